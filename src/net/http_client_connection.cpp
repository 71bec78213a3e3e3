#include "net/http_client_connection.hpp"

#include <sys/socket.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>

#include "net/tls_client_context.hpp"

namespace patter::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;

HttpClientConnection::HttpClientConnection(Endpoint endpoint, beast::tcp_stream stream)
    : endpoint_(std::move(endpoint)), origin_(endpoint_.origin()) {
  plain_.emplace(std::move(stream));
}

asio::awaitable<std::unique_ptr<HttpClientConnection>> HttpClientConnection::open(
    const Endpoint& endpoint, std::chrono::milliseconds connect_timeout, TlsClientContext* tls) {
  const auto started = std::chrono::steady_clock::now();
  auto stream = co_await connect_tcp(endpoint, connect_timeout);
  std::unique_ptr<HttpClientConnection> connection(
      new HttpClientConnection(endpoint, std::move(stream)));
  if (endpoint.secure()) {
    auto tcp = std::move(*connection->plain_);
    connection->plain_.reset();
    connection->tls_.emplace(std::move(tcp), tls->native());
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    co_await handshake_tls(*connection->tls_, endpoint,
                           std::max(connect_timeout - spent, std::chrono::milliseconds(1)));
  }
  co_return connection;
}

asio::awaitable<beast::error_code> HttpClientConnection::write(OutgoingRequest& request) {
  beast::error_code ec;
  if (tls_) {
    co_await beast::http::async_write(*tls_, request,
                                      asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await beast::http::async_write(*plain_, request,
                                      asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return ec;
}

asio::awaitable<beast::error_code> HttpClientConnection::read_header(ResponseParser& parser) {
  beast::error_code ec;
  if (tls_) {
    co_await beast::http::async_read_header(*tls_, buffer_, parser,
                                            asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await beast::http::async_read_header(*plain_, buffer_, parser,
                                            asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return ec;
}

asio::awaitable<beast::error_code> HttpClientConnection::read_some(ResponseParser& parser) {
  beast::error_code ec;
  if (tls_) {
    co_await beast::http::async_read_some(*tls_, buffer_, parser,
                                          asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await beast::http::async_read_some(*plain_, buffer_, parser,
                                          asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return ec;
}

bool HttpClientConnection::usable_after_idle() {
  auto& socket = tcp().socket();
  if (!socket.is_open()) return false;
  char probe = 0;
  const auto received = ::recv(socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  if (received < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
  // TLS 1.3 servers send session tickets after the handshake, so pending bytes are normal on
  // an encrypted connection that has not been read from yet; a plain one must stay silent.
  return received > 0 && tls_.has_value();
}

void HttpClientConnection::close() {
  beast::error_code ignored;
  tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  tcp().close();
}

}  // namespace patter::net::detail
