#include "net/client_transport.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>

#include "net/tls_client_context.hpp"

namespace patter::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

std::string describe(const Endpoint& endpoint) {
  return endpoint.host + ":" + std::to_string(endpoint.port);
}

asio::awaitable<beast::tcp_stream> connect_tcp(const Endpoint& endpoint,
                                               std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  const auto started = std::chrono::steady_clock::now();
  auto resolver = std::make_shared<tcp::resolver>(executor);
  asio::steady_timer resolve_deadline(executor, timeout);
  resolve_deadline.async_wait(
      [weak = std::weak_ptr<tcp::resolver>(resolver)](beast::error_code ec) {
        if (ec) return;
        if (auto alive = weak.lock()) alive->cancel();
      });
  beast::error_code ec;
  auto endpoints = co_await resolver->async_resolve(endpoint.host, std::to_string(endpoint.port),
                                                    asio::redirect_error(asio::use_awaitable, ec));
  resolve_deadline.cancel();
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (ec == asio::error::operation_aborted || (!ec && spent >= timeout)) {
    throw ClientError(ClientErrorKind::connect_timeout,
                      "resolving " + endpoint.host + " took longer than " +
                          std::to_string(timeout.count()) + " ms");
  }
  if (ec) {
    throw ClientError(ClientErrorKind::connect_failed,
                      "cannot resolve " + endpoint.host + ": " + ec.message());
  }
  beast::tcp_stream stream(executor);
  stream.expires_after(timeout - spent);
  co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == beast::error::timeout) {
    throw ClientError(ClientErrorKind::connect_timeout,
                      "no TCP connection to " + describe(endpoint) + " within " +
                          std::to_string(timeout.count()) + " ms");
  }
  if (ec) {
    throw ClientError(ClientErrorKind::connect_failed,
                      "cannot connect to " + describe(endpoint) + ": " + ec.message());
  }
  stream.expires_never();
  stream.socket().set_option(tcp::no_delay(true));
  co_return stream;
}

asio::awaitable<void> handshake_tls(TlsStream& stream, const Endpoint& endpoint,
                                    std::chrono::milliseconds timeout) {
  prepare_tls_connection(stream.native_handle(), endpoint.host);
  stream.next_layer().expires_after(timeout);
  beast::error_code ec;
  co_await stream.async_handshake(asio::ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, ec));
  stream.next_layer().expires_never();
  if (ec == beast::error::timeout) {
    throw ClientError(ClientErrorKind::connect_timeout,
                      "no TLS handshake with " + describe(endpoint) + " within " +
                          std::to_string(timeout.count()) + " ms");
  }
  if (ec) {
    const auto verification = tls_verification_failure(stream.native_handle());
    throw ClientError(ClientErrorKind::tls_failed,
                      "with " + describe(endpoint) + ": " + ec.message() +
                          (verification.empty() ? "" : " (" + verification + ")"));
  }
}

ClientError transfer_error(const beast::error_code& error, const std::string& context,
                           bool deadline_was_total) {
  if (error == beast::error::timeout) {
    return {deadline_was_total ? ClientErrorKind::total_timeout : ClientErrorKind::read_timeout,
            context};
  }
  if (error == asio::error::eof || error == asio::error::connection_reset ||
      error == asio::error::broken_pipe || error == beast::http::error::partial_message ||
      error == beast::http::error::end_of_stream || error == asio::ssl::error::stream_truncated) {
    return {ClientErrorKind::connection_closed,
            context + ": the peer closed the connection (" + error.message() + ")"};
  }
  if (error == asio::error::operation_aborted) return {ClientErrorKind::cancelled, context};
  return {ClientErrorKind::protocol_error, context + ": " + error.message()};
}

}  // namespace patter::net::detail
