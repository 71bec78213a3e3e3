#include <openssl/ssl.h>

#include <array>
#include <sstream>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/url/parse.hpp>

#include "fakes/fake_server_core.hpp"

namespace patter::fakes::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using boost::system::error_code;
using TlsStream = asio::ssl::stream<beast::tcp_stream>;
using IncomingRequest = http::request<http::string_body>;

namespace {

constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

bool has_header(const FakeHeaders& headers, std::string_view name) {
  return find_header(headers, name).has_value();
}

std::string response_head(int status, const FakeHeaders& headers) {
  const auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  for (const auto& [name, value] : headers)
    head.append(name).append(": ").append(value).append("\r\n");
  return head;
}

std::string format_response(const FakeResponse& response) {
  auto text = response_head(response.status, response.headers);
  if (!has_header(response.headers, "Content-Length") &&
      !has_header(response.headers, "Transfer-Encoding")) {
    text += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  }
  return text + "\r\n" + response.body;
}

std::string missing_route_response() {
  FakeResponse response;
  response.status = 404;
  response.headers.emplace_back("Connection", "close");
  response.body = "no fake WebSocket route";
  return format_response(response);
}

FakeRequest to_fake_request(const IncomingRequest& message, std::uint64_t connection_id) {
  FakeRequest request;
  request.connection_id = connection_id;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.body = message.body();
  request.websocket = websocket::is_upgrade(message);
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  const auto parsed = boost::urls::parse_origin_form(request.target);
  if (parsed) {
    request.path = parsed->path();
    for (const auto& param : parsed->params()) request.query.emplace_back(param.key, param.value);
  } else {
    request.path = request.target.substr(0, request.target.find('?'));
  }
  return request;
}

beast::tcp_stream& tcp_of(beast::tcp_stream& stream) {
  return stream;
}
beast::tcp_stream& tcp_of(TlsStream& stream) {
  return stream.next_layer();
}

template <typename Stream>
class HttpExchange final : public FakeHttpExchange {
 public:
  HttpExchange(Stream& stream, FakeRequest request)
      : stream_(stream), request_(std::move(request)) {}

  using FakeHttpExchange::respond;

  const FakeRequest& request() const override { return request_; }

  asio::awaitable<void> respond(FakeResponse response) override {
    keep_alive_ = find_header(response.headers, "Connection") != "close";
    co_await write_raw(format_response(response));
    complete_ = true;
  }

  asio::awaitable<void> begin_chunked(int status, FakeHeaders headers) override {
    headers.emplace_back("Transfer-Encoding", "chunked");
    co_await write_raw(response_head(status, headers) + "\r\n");
  }

  asio::awaitable<void> send_chunk(std::string_view data) override {
    if (data.empty()) co_return;  // an empty chunk would end the body
    std::ostringstream size;
    size << std::hex << data.size();
    co_await write_raw(size.str() + "\r\n" + std::string(data) + "\r\n");
  }

  asio::awaitable<void> end_chunked() override {
    co_await write_raw("0\r\n\r\n");
    complete_ = true;
  }

  asio::awaitable<void> write_raw(std::string_view bytes) override {
    started_ = true;
    co_await asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                               asio::use_awaitable);
  }

  void disconnect() override {
    started_ = true;
    disconnected_ = true;
    error_code ignored;
    tcp_of(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp_of(stream_).close();
  }

  asio::awaitable<void> stall() override {
    started_ = true;
    std::array<char, 512> scratch{};
    error_code ec;
    while (!ec) {
      co_await stream_.async_read_some(asio::buffer(scratch),
                                       asio::redirect_error(asio::use_awaitable, ec));
    }
    disconnected_ = true;
  }

  [[nodiscard]] bool started() const { return started_; }
  [[nodiscard]] bool reusable() const { return complete_ && keep_alive_ && !disconnected_; }

 private:
  Stream& stream_;
  FakeRequest request_;
  bool started_ = false;
  bool complete_ = false;
  bool keep_alive_ = true;
  bool disconnected_ = false;
};

template <typename Stream>
class WebSocketSession final : public FakeWebSocket {
 public:
  WebSocketSession(FakeServerCore& core, Stream stream, IncomingRequest upgrade,
                   FakeRequest request)
      : core_(core),
        socket_(std::move(stream)),
        upgrade_(std::move(upgrade)),
        request_(std::move(request)) {
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = kHandshakeTimeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    socket_.set_option(timeouts);
    socket_.read_message_max(64 * 1024 * 1024);
  }

  const FakeRequest& request() const override { return request_; }

  asio::awaitable<void> accept(std::string subprotocol) override {
    if (accepted_) co_return;
    if (rejected_) throw std::logic_error("the WebSocket handshake was already rejected");
    socket_.set_option(
        websocket::stream_base::decorator([subprotocol](websocket::response_type& response) {
          response.set(http::field::server, "patter-fake");
          if (!subprotocol.empty()) response.set(http::field::sec_websocket_protocol, subprotocol);
        }));
    co_await socket_.async_accept(upgrade_, asio::use_awaitable);
    accepted_ = true;
  }

  asio::awaitable<void> reject(FakeResponse response) override {
    if (accepted_) throw std::logic_error("the WebSocket handshake was already accepted");
    rejected_ = true;
    response.headers.emplace_back("Connection", "close");
    co_await asio::async_write(socket_.next_layer(), asio::buffer(format_response(response)),
                               asio::use_awaitable);
    disconnect();
  }

  asio::awaitable<std::optional<FakeWsMessage>> receive() override {
    co_await accept({});
    beast::flat_buffer buffer;
    error_code ec;
    co_await socket_.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == websocket::error::closed) peer_close_code_ = socket_.reason().code;
      co_return std::nullopt;
    }
    FakeWsMessage message{request_.connection_id, socket_.got_binary(),
                          beast::buffers_to_string(buffer.data())};
    core_.log.record_websocket_message(message);
    co_return message;
  }

  std::optional<std::uint16_t> peer_close_code() const override { return peer_close_code_; }

  asio::awaitable<void> send_text(std::string_view text) override {
    co_await accept({});
    socket_.text(true);
    co_await socket_.async_write(asio::buffer(text.data(), text.size()), asio::use_awaitable);
  }

  asio::awaitable<void> send_binary(std::string_view bytes) override {
    co_await accept({});
    socket_.binary(true);
    co_await socket_.async_write(asio::buffer(bytes.data(), bytes.size()), asio::use_awaitable);
  }

  asio::awaitable<void> close(std::uint16_t code, std::string reason) override {
    co_await accept({});
    error_code ec;
    co_await socket_.async_close(
        websocket::close_reason(static_cast<websocket::close_code>(code), reason),
        asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::awaitable<void> write_raw(std::string_view bytes) override {
    co_await asio::async_write(socket_.next_layer(), asio::buffer(bytes.data(), bytes.size()),
                               asio::use_awaitable);
  }

  void disconnect() override {
    error_code ignored;
    beast::get_lowest_layer(socket_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(socket_).close();
  }

  [[nodiscard]] bool rejected() const { return rejected_; }

 private:
  FakeServerCore& core_;
  websocket::stream<Stream> socket_;
  IncomingRequest upgrade_;
  FakeRequest request_;
  bool accepted_ = false;
  bool rejected_ = false;
  std::optional<std::uint16_t> peer_close_code_;
};

template <typename Stream>
asio::awaitable<void> run_websocket(FakeServerCore& core, Stream stream, IncomingRequest upgrade,
                                    FakeRequest request) {
  const auto* handler = core.find_websocket(request.path);
  if (handler == nullptr) {
    const auto response = missing_route_response();
    co_await asio::async_write(stream, asio::buffer(response), asio::use_awaitable);
    co_return;
  }
  WebSocketSession<Stream> session(core, std::move(stream), std::move(upgrade), std::move(request));
  try {
    co_await (*handler)(session);
  } catch (const std::exception& error) {
    core.log.record_error(std::string("WebSocket handler: ") + error.what());
  }
}

template <typename Stream>
asio::awaitable<void> serve_http(FakeServerCore& core, Stream stream, std::uint64_t connection_id) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{64} * 1024 * 1024);
    error_code ec;
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    auto message = parser.release();
    auto request = to_fake_request(message, connection_id);
    core.log.record_request(request);
    if (request.websocket) {
      co_await run_websocket(core, std::move(stream), std::move(message), std::move(request));
      co_return;
    }
    HttpExchange<Stream> exchange(stream, std::move(request));
    const auto* handler = core.find_http(message.method_string(), exchange.request().path);
    std::string failure;
    if (handler == nullptr) {
      co_await exchange.respond(
          404, "no fake route for " + exchange.request().method + " " + exchange.request().path);
    } else {
      try {
        co_await (*handler)(exchange);
      } catch (const std::exception& error) {
        failure = error.what();
        core.log.record_error("HTTP handler: " + failure);
      }
    }
    if (!exchange.started()) {
      co_await exchange.respond(500,
                                failure.empty() ? "the fake handler sent no response" : failure);
    }
    if (!exchange.reusable() || !message.keep_alive()) {
      error_code ignored;
      tcp_of(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return;
    }
  }
}

}  // namespace

asio::awaitable<void> serve_connection(FakeServerCore& core, tcp::socket socket,
                                       std::uint64_t connection_id) {
  try {
    if (!core.tls) {
      co_await serve_http(core, beast::tcp_stream(std::move(socket)), connection_id);
      co_return;
    }
    TlsStream stream(beast::tcp_stream(std::move(socket)), *core.tls);
    stream.next_layer().expires_after(kHandshakeTimeout);
    error_code ec;
    co_await stream.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    stream.next_layer().expires_never();
    const char* server_name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    core.log.record_tls_server_name(server_name != nullptr ? server_name : "");
    if (ec) {
      core.log.record_error("TLS handshake: " + ec.message());
      co_return;
    }
    co_await serve_http(core, std::move(stream), connection_id);
  } catch (const std::exception& error) {
    core.log.record_error(std::string("connection: ") + error.what());
  }
}

}  // namespace patter::fakes::detail
