#include "server_fixture.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <thread>

namespace patter::net::testing {

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

asio::awaitable<beast::tcp_stream> connect_to(std::uint16_t port) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(kClientTimeout);
  co_await stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                asio::use_awaitable);
  co_return stream;
}

asio::awaitable<Response> exchange(beast::tcp_stream& stream, Request request) {
  stream.expires_after(kClientTimeout);
  co_await http::async_write(stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  Response response;
  co_await http::async_read(stream, buffer, response, asio::use_awaitable);
  co_return response;
}

Request make_request(http::verb method, std::string target, std::string body, std::string content_type) {
  Request request(method, target, 11);
  request.set(http::field::host, "127.0.0.1");
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

Response http_request(std::uint16_t port, http::verb method, std::string target, std::string body,
                      std::string content_type) {
  auto request = make_request(method, std::move(target), std::move(body), std::move(content_type));
  return run_client([&](asio::io_context&) -> asio::awaitable<Response> {
    auto stream = co_await connect_to(port);
    co_return co_await exchange(stream, request);
  });
}

std::string raw_exchange(std::uint16_t port, std::string bytes) {
  return run_client([&](asio::io_context&) -> asio::awaitable<std::string> {
    auto stream = co_await connect_to(port);
    co_await asio::async_write(stream, asio::buffer(bytes), asio::use_awaitable);
    std::string received;
    char chunk[4096];
    while (true) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(chunk), kNoThrow);
      received.append(chunk, n);
      if (ec) break;
    }
    co_return received;
  });
}

asio::awaitable<PlainWebSocket> open_websocket(std::uint16_t port, std::string target) {
  PlainWebSocket ws(co_await connect_to(port));
  co_await ws.async_handshake("127.0.0.1", target, asio::use_awaitable);
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(websocket::stream_base::timeout{kClientTimeout, kClientTimeout, false});
  co_return ws;
}

unsigned websocket_handshake_status(std::uint16_t port, std::string target,
                                    std::optional<std::string> authorization) {
  return run_client([&](asio::io_context&) -> asio::awaitable<unsigned> {
    PlainWebSocket ws(co_await connect_to(port));
    if (authorization) {
      ws.set_option(websocket::stream_base::decorator(
          [value = *authorization](websocket::request_type& request) {
            request.set(http::field::authorization, value);
          }));
    }
    websocket::response_type response;
    auto [ec] = co_await ws.async_handshake(response, "127.0.0.1", target, kNoThrow);
    (void)ec;
    co_return response.result_int();
  });
}

}  // namespace patter::net::testing
