#include "net/http_connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <type_traits>

#include "net/beast_conversion.hpp"
#include "net/chunked_response_stream.hpp"

namespace patter::net::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using TlsStream = asio::ssl::stream<beast::tcp_stream>;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunkBytes = 4096;
constexpr std::chrono::seconds kTlsShutdownTimeout{2};

// Registers a connection for graceful stop and unregisters it when the connection ends.
class ConnectionRegistration {
 public:
  ConnectionRegistration(std::shared_ptr<ServerState> state, std::shared_ptr<ConnectionControl> control)
      : state_(std::move(state)), control_(std::move(control)) {
    state_->add_connection(control_);
    if (state_->stopping) control_->stopping = true;
  }
  ~ConnectionRegistration() { state_->remove_connection(control_.get()); }
  ConnectionRegistration(const ConnectionRegistration&) = delete;
  ConnectionRegistration& operator=(const ConnectionRegistration&) = delete;

 private:
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<ConnectionControl> control_;
};

class WebSocketSlot {
 public:
  WebSocketSlot(ServerState& state, std::string ip) : state_(state), ip_(std::move(ip)) {}
  ~WebSocketSlot() { state_.release_websocket(ip_); }
  WebSocketSlot(const WebSocketSlot&) = delete;
  WebSocketSlot& operator=(const WebSocketSlot&) = delete;

 private:
  ServerState& state_;
  std::string ip_;
};

std::string remote_ip(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string() : endpoint.address().to_string();
}

// The answer to a request that could not be read, or none when the connection just ended.
std::optional<HttpResponse> response_for_read_error(const boost::system::error_code& ec) {
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return HttpResponse::error(431, "request header fields too large");
  }
  if (ec == http::error::body_limit) return HttpResponse::error(413, "request body too large");
  if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return HttpResponse::error(400, "malformed request: " + ec.message());
  }
  return std::nullopt;
}

template <class Stream>
class Connection {
 public:
  Connection(std::shared_ptr<ServerState> state, std::shared_ptr<ConnectionControl> control, Stream stream,
             std::string ip)
      : state_(std::move(state)),
        options_(state_->options),
        control_(std::move(control)),
        stream_(std::move(stream)),
        remote_ip_(std::move(ip)),
        buffer_(options_.max_header_bytes + kReadChunkBytes) {
    control_->close_transport = [this] { close_socket(stream_); };
  }
  ~Connection() { control_->close_transport = nullptr; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  asio::awaitable<void> run() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(stream_).expires_after(options_.request_timeout);
      auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kNoThrow);
      if (ec) co_return;
    }
    bool keep_going = true;
    while (keep_going && !control_->stopping) keep_going = co_await serve_next_request();
    if (!upgraded_) co_await shut_down_transport();
  }

 private:
  template <class AnyStream>
  static void close_socket(AnyStream& stream) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
  }

  // Waits up to the idle timeout for the first byte of the next request.
  asio::awaitable<bool> wait_for_request_start() {
    if (buffer_.size() > 0) co_return true;
    beast::get_lowest_layer(stream_).expires_after(options_.idle_timeout);
    auto [ec, bytes] = co_await stream_.async_read_some(buffer_.prepare(kReadChunkBytes), kNoThrow);
    buffer_.commit(bytes);
    co_return !ec && bytes > 0;
  }

  // Serves one request; true to keep the connection for another.
  asio::awaitable<bool> serve_next_request() {
    const bool request_started = co_await wait_for_request_start();
    if (!request_started) co_return false;
    control_->handling_request = true;
    const bool keep_going = co_await read_and_answer();
    control_->handling_request = false;
    co_return keep_going && !control_->stopping;
  }

  asio::awaitable<bool> read_and_answer() {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser.body_limit(options_.max_body_bytes);
    beast::get_lowest_layer(stream_).expires_after(options_.request_timeout);

    auto [header_ec, header_bytes] = co_await http::async_read_header(stream_, buffer_, parser, kNoThrow);
    (void)header_bytes;
    if (header_ec) co_return co_await answer_read_error(header_ec);
    if (websocket::is_upgrade(parser.get())) co_return co_await upgrade(parser.release());

    auto [body_ec, body_bytes] = co_await http::async_read(stream_, buffer_, parser, kNoThrow);
    (void)body_bytes;
    if (body_ec) co_return co_await answer_read_error(body_ec);

    BeastRequest wire_request = parser.release();
    const bool keep_alive = wire_request.keep_alive();
    HttpRequest request;
    if (auto rejection = convert_request(std::move(wire_request), request)) {
      co_return co_await write_response(std::move(*rejection), false);
    }

    RouteMatch match = state_->router.match(request.method, request.path_segments, false);
    if (match.outcome != RouteMatch::Outcome::found) {
      co_return co_await write_response(response_for_unmatched(match), keep_alive);
    }
    request.path_params = std::move(match.params);
    if (const auto* stream_handler = std::get_if<StreamHandler>(&match.route->target)) {
      co_await stream_response(*stream_handler, request);
      co_return false;
    }
    HttpResponse response = co_await call_handler(std::get<HttpHandler>(match.route->target), request);
    co_return co_await write_response(std::move(response), keep_alive);
  }

  // Fills `request`, or returns the error response for a request target we cannot parse.
  std::optional<HttpResponse> convert_request(BeastRequest&& wire_request, HttpRequest& request) const {
    try {
      request = to_http_request(std::move(wire_request), remote_ip_);
    } catch (const HttpError& error) {
      return HttpResponse::error(error.status(), error.what());
    }
    return std::nullopt;
  }

  static HttpResponse response_for_unmatched(const RouteMatch& match) {
    switch (match.outcome) {
      case RouteMatch::Outcome::method_not_allowed: {
        auto response = HttpResponse::error(405, "method not allowed");
        response.headers.set("Allow", match.allow);
        return response;
      }
      case RouteMatch::Outcome::upgrade_required: {
        auto response = HttpResponse::error(426, "this path only accepts WebSocket connections");
        response.headers.set("Upgrade", "websocket");
        return response;
      }
      case RouteMatch::Outcome::found:
      case RouteMatch::Outcome::not_found:
        break;
    }
    return HttpResponse::error(404, "not found");
  }

  asio::awaitable<bool> answer_read_error(const boost::system::error_code& ec) {
    if (auto response = response_for_read_error(ec)) co_await write_response(std::move(*response), false);
    co_return false;
  }

  asio::awaitable<HttpResponse> call_handler(const HttpHandler& handler, HttpRequest& request) {
    try {
      co_return co_await handler(request);
    } catch (const HttpError& error) {
      co_return HttpResponse::error(error.status(), error.what());
    } catch (const std::exception& error) {
      state_->log("handler for " + request.method + " " + request.path + " failed: " + error.what());
      co_return HttpResponse::error(500, "internal server error");
    }
  }

  asio::awaitable<bool> write_response(HttpResponse response, bool keep_alive) {
    if (response.status < 100 || response.status > 999) {
      state_->log("handler returned invalid HTTP status " + std::to_string(response.status));
      response = HttpResponse::error(500, "internal server error");
    }
    keep_alive = keep_alive && !control_->stopping;
    auto wire = to_beast_response(std::move(response), keep_alive);
    beast::get_lowest_layer(stream_).expires_after(options_.write_timeout);
    auto [ec, written] = co_await http::async_write(stream_, wire, kNoThrow);
    (void)written;
    co_return !ec && keep_alive;
  }

  asio::awaitable<void> stream_response(const StreamHandler& handler, HttpRequest& request) {
    ChunkedResponseStream<Stream> body(stream_, *control_, options_.write_timeout);
    bool failed = false;
    try {
      co_await handler(request, body);
    } catch (const std::exception& error) {
      state_->log("stream handler for " + request.method + " " + request.path + " failed: " + error.what());
      failed = true;
    }
    if (failed && !body.began()) {
      co_await write_response(HttpResponse::error(500, "internal server error"), false);
    } else if (!failed) {
      co_await body.finish();
    }
  }

  asio::awaitable<bool> upgrade(BeastRequest wire_request) {
    HttpRequest request;
    if (auto rejection = convert_request(BeastRequest(wire_request), request)) {
      co_return co_await write_response(std::move(*rejection), false);
    }
    RouteMatch match = state_->router.match(request.method, request.path_segments, true);
    if (match.outcome != RouteMatch::Outcome::found) {
      co_return co_await write_response(response_for_unmatched(match), false);
    }
    request.path_params = std::move(match.params);
    const auto& route = std::get<WebSocketRoute>(match.route->target);

    auto rejection = co_await run_upgrade_check(route, request);
    if (rejection) co_return co_await write_response(std::move(*rejection), false);
    if (!state_->try_reserve_websocket(remote_ip_)) {
      co_return co_await write_response(HttpResponse::error(429, "too many WebSocket connections"), false);
    }
    WebSocketSlot slot(*state_, remote_ip_);

    websocket::stream<Stream> ws(std::move(stream_));
    upgraded_ = true;
    buffer_.clear();
    buffer_.shrink_to_fit();  // the WebSocket reads into its own small buffer from here on
    control_->close_transport = [&ws] { close_socket(ws); };
    beast::get_lowest_layer(ws).expires_never();
    websocket::stream_base::timeout handshake_timeouts{};
    handshake_timeouts.handshake_timeout = options_.request_timeout;
    handshake_timeouts.idle_timeout = websocket::stream_base::none();
    handshake_timeouts.keep_alive_pings = false;
    ws.set_option(handshake_timeouts);
    auto [accept_ec] = co_await ws.async_accept(wire_request, kNoThrow);
    control_->close_transport = nullptr;
    if (accept_ec) co_return false;

    auto socket = make_websocket(std::move(ws), options_.websocket);
    control_->websocket = socket;
    if (control_->stopping) socket->close(1001, "going away");
    co_await run_websocket_handler(route, request, socket);
    control_->websocket.reset();
    co_return false;
  }

  asio::awaitable<std::optional<HttpResponse>> run_upgrade_check(const WebSocketRoute& route,
                                                                 const HttpRequest& request) {
    if (!route.check) co_return std::nullopt;
    try {
      co_return co_await route.check(request);
    } catch (const HttpError& error) {
      co_return HttpResponse::error(error.status(), error.what());
    } catch (const std::exception& error) {
      state_->log("upgrade check for " + request.path + " failed: " + error.what());
      co_return HttpResponse::error(500, "internal server error");
    }
  }

  asio::awaitable<void> run_websocket_handler(const WebSocketRoute& route, HttpRequest& request,
                                              const std::shared_ptr<WebSocket>& socket) {
    try {
      co_await route.handler(request, socket);
    } catch (const std::exception& error) {
      state_->log("WebSocket handler for " + request.path + " failed: " + error.what());
      socket->close(1011, "internal error");
    }
    socket->close(1000, {});
    // Reading to the end completes the close handshake, bounded by the close timeout.
    std::optional<WsMessage> ignored;
    do {
      ignored = co_await socket->receive();
    } while (ignored);
  }

  asio::awaitable<void> shut_down_transport() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(stream_).expires_after(kTlsShutdownTimeout);
      auto [ec] = co_await stream_.async_shutdown(kNoThrow);
      (void)ec;
    } else {
      boost::system::error_code ignored;
      stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }
    close_socket(stream_);
  }

  std::shared_ptr<ServerState> state_;
  const ServerOptions& options_;
  std::shared_ptr<ConnectionControl> control_;
  Stream stream_;
  std::string remote_ip_;
  beast::flat_buffer buffer_;
  bool upgraded_ = false;
};

template <class Stream>
asio::awaitable<void> serve(std::shared_ptr<ServerState> state, Stream stream) {
  auto control = std::make_shared<ConnectionControl>(beast::get_lowest_layer(stream).get_executor());
  ConnectionRegistration registration(state, control);
  std::string ip = remote_ip(beast::get_lowest_layer(stream).socket());
  Connection<Stream> connection(std::move(state), std::move(control), std::move(stream), std::move(ip));
  co_await connection.run();
}

}  // namespace

asio::awaitable<void> serve_connection(std::shared_ptr<ServerState> state, asio::ip::tcp::socket socket) {
  co_await serve(std::move(state), beast::tcp_stream(std::move(socket)));
}

asio::awaitable<void> serve_tls_connection(std::shared_ptr<ServerState> state, asio::ip::tcp::socket socket,
                                           asio::ssl::context& tls) {
  co_await serve(std::move(state), TlsStream(beast::tcp_stream(std::move(socket)), tls));
}

void begin_connection_shutdown(ConnectionControl& connection) {
  connection.stopping = true;
  if (connection.websocket) {
    connection.websocket->close(1001, "going away");
  } else if (!connection.handling_request && connection.close_transport) {
    connection.close_transport();
  }
}

void force_close_connection(ConnectionControl& connection) {
  connection.stopping = true;
  if (connection.websocket) connection.websocket->abort();
  if (connection.close_transport) connection.close_transport();
}

}  // namespace patter::net::detail
