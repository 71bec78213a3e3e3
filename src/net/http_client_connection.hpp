#pragma once

// Internal to HttpClient: one keep-alive connection, plain or TLS.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "net/client_transport.hpp"

namespace patter::net {
class TlsClientContext;
}  // namespace patter::net

namespace patter::net::detail {

using ResponseParser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;
using OutgoingRequest = boost::beast::http::request<boost::beast::http::string_body>;

class HttpClientConnection {
 public:
  static boost::asio::awaitable<std::unique_ptr<HttpClientConnection>> open(
      const Endpoint& endpoint, std::chrono::milliseconds connect_timeout, TlsClientContext* tls);

  [[nodiscard]] const std::string& origin() const { return origin_; }
  [[nodiscard]] const Endpoint& endpoint() const { return endpoint_; }
  boost::beast::tcp_stream& tcp() { return tls_ ? tls_->next_layer() : *plain_; }

  // The connection's operations report errors as codes, for the caller to classify.
  boost::asio::awaitable<boost::beast::error_code> write(OutgoingRequest& request);
  boost::asio::awaitable<boost::beast::error_code> read_header(ResponseParser& parser);
  boost::asio::awaitable<boost::beast::error_code> read_some(ResponseParser& parser);

  // False when the server closed or reset the connection while it sat idle in the pool, or
  // sent unsolicited bytes on a plain connection.
  [[nodiscard]] bool usable_after_idle();
  [[nodiscard]] bool has_buffered_bytes() const { return buffer_.size() > 0; }
  void close();

 private:
  HttpClientConnection(Endpoint endpoint, boost::beast::tcp_stream stream);

  Endpoint endpoint_;
  std::string origin_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<TlsStream> tls_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace patter::net::detail
