#pragma once

// Shared by the server-side net tests: a running HttpServer on 127.0.0.1 and small Beast
// clients that run on their own io_context with a bounded timeout.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "net/http_server.hpp"
#include "net/io_pool.hpp"
#include "net/router.hpp"
#include "net/websocket.hpp"

namespace patter::net::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;

using Response = http::response<http::string_body>;
using Request = http::request<http::string_body>;
using PlainWebSocket = websocket::stream<beast::tcp_stream>;

inline constexpr std::chrono::seconds kClientTimeout{10};
inline constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// Runs the coroutine made by make_coroutine(context) to completion on a private io_context.
// Throws if it fails or does not finish within the timeout, so no test can hang.
template <class Factory>
auto run_client(Factory make_coroutine, std::chrono::milliseconds timeout = kClientTimeout) {
  using Result = typename decltype(make_coroutine(std::declval<asio::io_context&>()))::value_type;
  asio::io_context context;
  std::optional<Result> result;
  std::exception_ptr failure;
  asio::co_spawn(context, make_coroutine(context), [&](std::exception_ptr error, Result value) {
    if (error) {
      failure = error;
    } else {
      result = std::move(value);
    }
  });
  context.run_for(timeout);
  if (failure) std::rethrow_exception(failure);
  if (!result) throw std::runtime_error("test client timed out");
  return std::move(*result);
}

// Waits for a value set from a server thread, failing instead of hanging.
template <class T>
T wait_for(std::future<T>& future, std::chrono::milliseconds timeout = kClientTimeout) {
  if (future.wait_for(timeout) != std::future_status::ready) throw std::runtime_error("event never happened");
  return future.get();
}

// Polls a condition that a server thread will make true; false if it never does.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout = kClientTimeout);

asio::awaitable<beast::tcp_stream> connect_to(std::uint16_t port);
asio::awaitable<Response> exchange(beast::tcp_stream& stream, Request request);
Request make_request(http::verb method, std::string target, std::string body = {},
                     std::string content_type = {});

// One request on a fresh connection.
Response http_request(std::uint16_t port, http::verb method, std::string target, std::string body = {},
                      std::string content_type = {});
// Sends raw bytes and returns everything the server sends until it closes the connection.
std::string raw_exchange(std::uint16_t port, std::string bytes);

// Completes a WebSocket handshake on a new connection, or throws.
asio::awaitable<PlainWebSocket> open_websocket(std::uint16_t port, std::string target);
// The HTTP status the server answered a WebSocket handshake with (101 when accepted).
unsigned websocket_handshake_status(std::uint16_t port, std::string target,
                                    std::optional<std::string> authorization = std::nullopt);

class ServerFixture : public ::testing::Test {
 protected:
  void start_server(ServerOptions options = {}) {
    pool_.start();
    server_ = std::make_unique<HttpServer>(pool_, router_, std::move(options));
    server_->start();
  }

  void TearDown() override {
    if (server_) server_->stop(std::chrono::seconds(1));
    pool_.stop();
    pool_.join();
  }

  [[nodiscard]] std::uint16_t port() const { return server_->port(); }

  IoPool pool_{2};
  Router router_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace patter::net::testing
