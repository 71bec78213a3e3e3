#include "net/ws_client.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "net/client_transport.hpp"
#include "net/tls_client_context.hpp"

namespace patter::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

constexpr std::size_t kBodyShownInErrors = 300;

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string joined;
  for (const auto& item : items) {
    if (!joined.empty()) joined += separator;
    joined += item;
  }
  return joined;
}

template <typename NextLayer>
void decorate_upgrade(websocket::stream<NextLayer>& socket, const WsConnectRequest& request) {
  socket.set_option(websocket::stream_base::decorator(
      [headers = request.headers,
       protocols = join(request.subprotocols, ", ")](websocket::request_type& upgrade) {
        upgrade.set(beast::http::field::user_agent, "patter/0.1");
        for (const auto& [name, value] : headers) upgrade.set(name, value);
        if (!protocols.empty()) upgrade.set(beast::http::field::sec_websocket_protocol, protocols);
      }));
}

template <typename NextLayer>
asio::awaitable<void> upgrade(websocket::stream<NextLayer>& socket, const WsConnectRequest& request,
                              const Endpoint& endpoint) {
  decorate_upgrade(socket, request);
  const auto path = endpoint.target.substr(0, endpoint.target.find('?'));
  const auto context =
      "WebSocket upgrade to " + endpoint.scheme + "://" + detail::describe(endpoint) + path;
  auto& tcp = beast::get_lowest_layer(socket);
  tcp.expires_after(request.handshake_timeout);
  websocket::response_type response;
  beast::error_code ec;
  co_await socket.async_handshake(response, endpoint.host_header(), endpoint.target,
                                  asio::redirect_error(asio::use_awaitable, ec));
  tcp.expires_never();
  if (!ec) co_return;
  if (ec == websocket::error::upgrade_declined) {
    HeaderList headers;
    for (const auto& field : response) {
      headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    const auto status = static_cast<int>(response.result_int());
    auto shown = response.body().substr(0, kBodyShownInErrors);
    throw WsHandshakeError(context + " refused with HTTP " + std::to_string(status) +
                               (shown.empty() ? "" : ": " + shown),
                           status, std::move(response.body()), std::move(headers));
  }
  if (ec == beast::error::timeout) {
    throw ClientError(ClientErrorKind::read_timeout,
                      context + ": no answer within " +
                          std::to_string(request.handshake_timeout.count()) + " ms");
  }
  throw detail::transfer_error(ec, context, false);
}

}  // namespace

WsClient::WsClient(std::shared_ptr<TlsClientContext> tls) : tls_(std::move(tls)) {}

std::shared_ptr<TlsClientContext> WsClient::tls_context() {
  if (!tls_) tls_ = std::make_shared<TlsClientContext>();
  return tls_;
}

asio::awaitable<std::shared_ptr<WebSocket>> WsClient::connect(WsConnectRequest request) {
  Endpoint endpoint;
  try {
    endpoint = parse_endpoint(append_query(request.url, request.query));
  } catch (const UrlError& error) {
    throw ClientError(ClientErrorKind::invalid_request, error.what());
  }
  if (endpoint.scheme != "ws" && endpoint.scheme != "wss") {
    throw ClientError(ClientErrorKind::invalid_request, "WsClient needs a ws or wss URL");
  }
  const auto started = std::chrono::steady_clock::now();
  auto tcp = co_await detail::connect_tcp(endpoint, request.connect_timeout);
  if (!endpoint.secure()) {
    websocket::stream<beast::tcp_stream> socket(std::move(tcp));
    co_await upgrade(socket, request, endpoint);
    co_return make_websocket(std::move(socket), request.options);
  }
  detail::TlsStream tls(std::move(tcp), tls_context()->native());
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  co_await detail::handshake_tls(
      tls, endpoint, std::max(request.connect_timeout - spent, std::chrono::milliseconds(1)));
  websocket::stream<detail::TlsStream> socket(std::move(tls));
  co_await upgrade(socket, request, endpoint);
  co_return make_websocket(std::move(socket), request.options);
}

}  // namespace patter::net
