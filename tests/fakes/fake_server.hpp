#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fakes/fake_http_exchange.hpp"
#include "fakes/fake_messages.hpp"
#include "fakes/fake_server_log.hpp"
#include "fakes/fake_websocket.hpp"

namespace patter::fakes {

namespace detail {
struct FakeServerCore;
}  // namespace detail

struct FakeServerOptions {
  bool tls = false;  // https:// and wss:// with a certificate made at start-up
  // Names the certificate is valid for (DNS names or IP addresses).
  std::vector<std::string> certificate_hosts = {"127.0.0.1", "localhost"};
};

using FakeHttpHandler = std::function<boost::asio::awaitable<void>(FakeHttpExchange&)>;
using FakeWebSocketHandler = std::function<boost::asio::awaitable<void>(FakeWebSocket&)>;

// A scriptable HTTP/WebSocket server on 127.0.0.1 (ephemeral port) running in its own
// thread, for tests that drive real clients through real sockets. Each connection is one
// coroutine, so a server can carry thousands of connections.
//
// Register routes before start(). Handlers run on the server's thread: share state with the
// test through the log, atomics, or your own locks.
class FakeServer {
 public:
  explicit FakeServer(FakeServerOptions options = {});
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  // Exact path match; method "*" matches any method. Unknown routes answer 404.
  void on_http(std::string method, std::string path, FakeHttpHandler handler);
  void on_http(std::string method, std::string path, FakeResponse canned_response);
  void on_websocket(std::string path, FakeWebSocketHandler handler);

  void start();
  // Closes every connection at once; pending handler coroutines are abandoned.
  void stop();

  [[nodiscard]] std::uint16_t port() const { return port_; }
  // http(s)://host:port + path_and_query; host defaults to 127.0.0.1 ("localhost" sends SNI).
  [[nodiscard]] std::string url(std::string_view path_and_query,
                                std::string_view host = "127.0.0.1") const;
  // ws(s)://host:port + path_and_query.
  [[nodiscard]] std::string ws_url(std::string_view path_and_query,
                                   std::string_view host = "127.0.0.1") const;
  // The self-signed certificate (its own CA) for clients to trust; empty without TLS.
  [[nodiscard]] const std::string& certificate_pem() const;

  [[nodiscard]] const FakeServerLog& log() const;

 private:
  struct Runtime;
  FakeServerOptions options_;
  std::unique_ptr<detail::FakeServerCore> core_;
  std::unique_ptr<Runtime> runtime_;  // event loop and acceptor, destroyed before core_
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// Suspends a handler for `delay` (gaps between streamed tokens, slow responses).
boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds delay);

// Convenience handler: an SSE response sending each event text (already framed, e.g.
// "data: {...}\n\n") as its own chunk, `gap` apart.
FakeHttpHandler sse_stream(std::vector<std::string> events, std::chrono::milliseconds gap);

}  // namespace patter::fakes
