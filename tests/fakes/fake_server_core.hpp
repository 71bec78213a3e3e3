#pragma once

// Internal to the fakes: what every connection of one FakeServer shares.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "fakes/fake_server.hpp"

namespace patter::fakes::detail {

struct HttpRoute {
  std::string method;
  std::string path;
  FakeHttpHandler handler;
};

struct WebSocketRoute {
  std::string path;
  FakeWebSocketHandler handler;
};

struct FakeServerCore {
  FakeServerLog log;
  std::vector<HttpRoute> http_routes;
  std::vector<WebSocketRoute> websocket_routes;
  std::unique_ptr<boost::asio::ssl::context> tls;  // null for plain servers
  std::string certificate_pem;
  std::atomic<std::uint64_t> next_connection_id{1};

  [[nodiscard]] const FakeHttpHandler* find_http(std::string_view method,
                                                 std::string_view path) const;
  [[nodiscard]] const FakeWebSocketHandler* find_websocket(std::string_view path) const;
};

// Serves one accepted connection until it closes (TLS handshake first when core.tls is set).
boost::asio::awaitable<void> serve_connection(FakeServerCore& core,
                                              boost::asio::ip::tcp::socket socket,
                                              std::uint64_t connection_id);

}  // namespace patter::fakes::detail
