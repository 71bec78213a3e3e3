#include "net/warm_connection.hpp"

#include <utility>

#include "net/client_transport.hpp"
#include "net/tls_client_context.hpp"

namespace patter::net {

boost::asio::awaitable<void> warm_endpoint(Endpoint endpoint, std::shared_ptr<TlsClientContext> tls,
                                           std::chrono::milliseconds timeout) {
  auto tcp = co_await detail::connect_tcp(endpoint, timeout);
  if (!endpoint.secure()) co_return;
  detail::TlsStream stream(std::move(tcp), tls->native());
  co_await detail::handshake_tls(stream, endpoint, timeout);
}

}  // namespace patter::net
