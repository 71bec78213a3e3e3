#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/io_pool.hpp"
#include "net/router.hpp"
#include "net/websocket.hpp"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace patter::net {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 picks a free port; see HttpServer::port()
  std::size_t max_header_bytes = 16 * 1024;  // request line + fields; larger gets 431
  std::size_t max_body_bytes = 1 << 20;      // larger gets 413
  // Time allowed for a whole request to arrive once its first byte is read.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(15)};
  // Time a keep-alive connection may sit idle waiting for the next request.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  // Time allowed for each response write or streamed chunk; slower clients are dropped.
  std::chrono::milliseconds write_timeout{std::chrono::seconds(15)};
  std::size_t max_websockets_per_ip = 0;  // 0 = unlimited; over the limit gets 429
  WebSocketOptions websocket;
  // Receives one line per handler failure or unexpected error; defaults to spdlog::error.
  std::function<void(std::string_view)> log_error;
};

// HTTP/1.1 server with WebSocket upgrades and streamed responses. The acceptor runs on one
// loop of the pool; each connection runs on pool.next_executor() for its whole life, and so
// do the handlers for its requests.
class HttpServer {
 public:
  HttpServer(IoPool& pool, Router& router, ServerOptions options = {});
  // TLS on every connection; the context must outlive the server.
  HttpServer(IoPool& pool, Router& router, boost::asio::ssl::context& tls, ServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts accepting. Throws core::Error: unavailable when the address cannot
  // be bound (e.g. the port is taken), config_invalid when the host name does not resolve.
  void start();
  [[nodiscard]] std::uint16_t port() const;

  // Stops accepting, closes WebSockets with 1001 "going away", lets requests in flight finish
  // until drain_timeout, then drops what is left. Blocks until done; call it from outside the
  // pool's threads while the pool is running. Idempotent.
  void stop(std::chrono::milliseconds drain_timeout = std::chrono::seconds(5));

  [[nodiscard]] std::size_t open_connections() const;
  [[nodiscard]] std::size_t open_websockets() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace patter::net
