#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>

#include "server_fixture.hpp"

namespace patter::net::testing {
namespace {

using Session = asio::awaitable<void>;

Session echo(HttpRequest&, std::shared_ptr<WebSocket> socket) {
  while (auto message = co_await socket->receive()) {
    if (message->binary) {
      socket->send_binary(std::move(message->data));
    } else {
      socket->send_text(std::move(message->data));
    }
  }
}

struct Received {
  std::string data;
  bool text = false;
};

asio::awaitable<Received> read_message(PlainWebSocket& ws) {
  beast::flat_buffer buffer;
  co_await ws.async_read(buffer, asio::use_awaitable);
  co_return Received{beast::buffers_to_string(buffer.data()), ws.got_text()};
}

// Reads until the server closes; returns the close code it sent. The server may drop TCP
// right after its close frame, so a failed teardown still counts once the frame arrived.
asio::awaitable<std::uint16_t> read_until_closed(PlainWebSocket& ws) {
  beast::flat_buffer buffer;
  while (true) {
    auto [ec, n] = co_await ws.async_read(buffer, kNoThrow);
    (void)n;
    const auto code = static_cast<std::uint16_t>(ws.reason().code);
    if (ec && code != 0) co_return code;
    if (ec) throw boost::system::system_error(ec);
    buffer.consume(buffer.size());
  }
}

// The close code in the first close frame a raw (non-WebSocket-aware) client receives.
std::uint16_t close_code_from_raw_frames(const std::string& bytes) {
  std::size_t at = 0;
  while (at + 2 <= bytes.size()) {
    const auto opcode = static_cast<unsigned char>(bytes[at]) & 0x0F;
    const std::size_t length = static_cast<unsigned char>(bytes[at + 1]) & 0x7F;
    if (opcode == 0x8 && length >= 2 && at + 4 <= bytes.size()) {
      return static_cast<std::uint16_t>((static_cast<unsigned char>(bytes[at + 2]) << 8) |
                                        static_cast<unsigned char>(bytes[at + 3]));
    }
    at += 2 + length;
  }
  return 0;
}

class WebSocketTest : public ServerFixture {};

TEST_F(WebSocketTest, EchoesTextAndBinary) {
  router_.add_websocket("/ws/echo", echo);
  start_server();
  auto replies = run_client([&](asio::io_context&) -> asio::awaitable<std::pair<Received, Received>> {
    auto ws = co_await open_websocket(port(), "/ws/echo");
    ws.text(true);
    co_await ws.async_write(asio::buffer(std::string("hello")), asio::use_awaitable);
    auto text = co_await read_message(ws);
    ws.binary(true);
    const std::string frame("\x00\x01\xff\x7f", 4);
    co_await ws.async_write(asio::buffer(frame), asio::use_awaitable);
    auto binary = co_await read_message(ws);
    co_await ws.async_close(websocket::close_code::normal, asio::use_awaitable);
    co_return std::pair{text, binary};
  });
  EXPECT_EQ(replies.first.data, "hello");
  EXPECT_TRUE(replies.first.text);
  EXPECT_EQ(replies.second.data, std::string("\x00\x01\xff\x7f", 4));
  EXPECT_FALSE(replies.second.text);
}

TEST_F(WebSocketTest, ReassemblesFragmentedMessage) {
  router_.add_websocket("/ws/echo", echo);
  start_server();
  auto reply = run_client([&](asio::io_context&) -> asio::awaitable<Received> {
    auto ws = co_await open_websocket(port(), "/ws/echo");
    ws.text(true);
    co_await ws.async_write_some(false, asio::buffer(std::string("frag")), asio::use_awaitable);
    co_await ws.async_write_some(false, asio::buffer(std::string("ment")), asio::use_awaitable);
    co_await ws.async_write_some(true, asio::buffer(std::string("ed")), asio::use_awaitable);
    co_return co_await read_message(ws);
  });
  EXPECT_EQ(reply.data, "fragmented");
  EXPECT_TRUE(reply.text);
}

TEST_F(WebSocketTest, AnswersPingWithPongCarryingPayload) {
  router_.add_websocket("/ws/echo", echo);
  start_server();
  auto pong = run_client([&](asio::io_context&) -> asio::awaitable<std::string> {
    auto ws = co_await open_websocket(port(), "/ws/echo");
    std::string pong_payload;
    ws.control_callback([&](websocket::frame_type kind, std::string_view payload) {
      if (kind == websocket::frame_type::pong) pong_payload = payload;
    });
    co_await ws.async_ping("are you there", asio::use_awaitable);
    co_await ws.async_write(asio::buffer(std::string("after ping")), asio::use_awaitable);
    auto echoed = co_await read_message(ws);
    EXPECT_EQ(echoed.data, "after ping");
    co_return pong_payload;
  });
  EXPECT_EQ(pong, "are you there");
}

TEST_F(WebSocketTest, ReportsPeerCloseCodeAndReason) {
  std::promise<CloseInfo> seen;
  router_.add_websocket("/ws", [&](HttpRequest&, std::shared_ptr<WebSocket> socket) -> Session {
    while (co_await socket->receive()) {
    }
    EXPECT_FALSE(socket->is_open());
    seen.set_value(socket->close_info());
  });
  start_server();
  run_client([&](asio::io_context&) -> asio::awaitable<bool> {
    auto ws = co_await open_websocket(port(), "/ws");
    co_await ws.async_close(websocket::close_reason(websocket::close_code{4001}, "call ended"), asio::use_awaitable);
    co_return true;
  });
  auto future = seen.get_future();
  const auto info = wait_for(future);
  EXPECT_EQ(info.code, 4001);
  EXPECT_EQ(info.reason, "call ended");
}

TEST_F(WebSocketTest, OversizedMessageClosesWith1009) {
  std::promise<CloseInfo> seen;
  router_.add_websocket("/ws", [&](HttpRequest&, std::shared_ptr<WebSocket> socket) -> Session {
    while (co_await socket->receive()) {
    }
    seen.set_value(socket->close_info());
  });
  ServerOptions options;
  options.websocket.max_message_bytes = 1024;
  start_server(options);
  auto code = run_client([&](asio::io_context&) -> asio::awaitable<std::uint16_t> {
    auto ws = co_await open_websocket(port(), "/ws");
    co_await ws.async_write(asio::buffer(std::string(2048, 'a')), asio::use_awaitable);
    co_return co_await read_until_closed(ws);
  });
  EXPECT_EQ(code, 1009);
  auto future = seen.get_future();
  EXPECT_EQ(wait_for(future).code, 1009);
}

TEST_F(WebSocketTest, InvalidUtf8TextClosesWith1007) {
  std::promise<CloseInfo> seen;
  router_.add_websocket("/ws", [&](HttpRequest&, std::shared_ptr<WebSocket> socket) -> Session {
    while (co_await socket->receive()) {
    }
    seen.set_value(socket->close_info());
  });
  start_server();
  auto code = run_client([&](asio::io_context&) -> asio::awaitable<std::uint16_t> {
    auto ws = co_await open_websocket(port(), "/ws");
    ws.text(true);
    co_await ws.async_write(asio::buffer(std::string("ok \xc3\x28 bad")), asio::use_awaitable);
    co_return co_await read_until_closed(ws);
  });
  EXPECT_EQ(code, 1007);
  auto future = seen.get_future();
  EXPECT_EQ(wait_for(future).code, 1007);
}

TEST_F(WebSocketTest, UnmaskedClientFrameClosesWith1002) {
  router_.add_websocket("/ws/echo", echo);
  start_server();
  const std::string received = run_client([&](asio::io_context&) -> asio::awaitable<std::string> {
    auto stream = co_await connect_to(port());
    const std::string handshake =
        "GET /ws/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    co_await asio::async_write(stream, asio::buffer(handshake), asio::use_awaitable);
    std::string response;
    auto header_end = co_await asio::async_read_until(stream, asio::dynamic_buffer(response), "\r\n\r\n",
                                                      asio::use_awaitable);
    EXPECT_TRUE(response.starts_with("HTTP/1.1 101"));
    response.erase(0, header_end);
    const std::string unmasked_text_frame("\x81\x02hi", 4);
    co_await asio::async_write(stream, asio::buffer(unmasked_text_frame), asio::use_awaitable);
    char chunk[256];
    while (true) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(chunk), kNoThrow);
      response.append(chunk, n);
      if (ec) break;
    }
    co_return response;
  });
  EXPECT_EQ(close_code_from_raw_frames(received), 1002);
}

TEST_F(WebSocketTest, UpgradeCheckRejectsWith401Or403BeforeUpgrade) {
  bool handler_ran = false;
  router_.add_websocket(
      "/ws/media",
      [&](HttpRequest&, std::shared_ptr<WebSocket>) -> Session {
        handler_ran = true;
        co_return;
      },
      [](const HttpRequest& request) -> asio::awaitable<std::optional<HttpResponse>> {
        auto authorization = request.header("Authorization");
        if (!authorization) co_return HttpResponse::error(401, "missing credentials");
        if (*authorization != "Bearer good") co_return HttpResponse::error(403, "bad credentials");
        co_return std::nullopt;
      });
  start_server();
  EXPECT_EQ(websocket_handshake_status(port(), "/ws/media"), 401u);
  EXPECT_EQ(websocket_handshake_status(port(), "/ws/media", "Bearer bad"), 403u);
  EXPECT_EQ(websocket_handshake_status(port(), "/ws/nowhere", "Bearer good"), 404u);
  EXPECT_EQ(websocket_handshake_status(port(), "/ws/media", "Bearer good"), 101u);
  server_->stop(std::chrono::seconds(2));
  EXPECT_TRUE(handler_ran);
}

TEST_F(WebSocketTest, PerIpLimitAnswers429UntilTheSocketCloses) {
  std::promise<void> first_open;
  std::atomic<int> opened_count{0};
  router_.add_websocket("/ws", [&](HttpRequest&, std::shared_ptr<WebSocket> socket) -> Session {
    if (opened_count++ == 0) first_open.set_value();
    while (co_await socket->receive()) {
    }
  });
  ServerOptions options;
  options.max_websockets_per_ip = 1;
  start_server(options);
  auto while_open = run_client([&](asio::io_context&) -> asio::awaitable<unsigned> {
    auto first = co_await open_websocket(port(), "/ws");
    auto opened = first_open.get_future();
    wait_for(opened);
    const unsigned status = websocket_handshake_status(port(), "/ws");
    co_await first.async_close(websocket::close_code::normal, asio::use_awaitable);
    co_return status;
  });
  EXPECT_EQ(while_open, 429u);
  ASSERT_TRUE(wait_until([&] { return server_->open_websockets() == 0; }));
  EXPECT_EQ(websocket_handshake_status(port(), "/ws"), 101u);
  server_->stop(std::chrono::seconds(1));
}

TEST_F(WebSocketTest, OverflowDropNewestKeepsQueueBounded) {
  std::promise<std::vector<bool>> results;
  router_.add_websocket("/ws", [&](HttpRequest&, std::shared_ptr<WebSocket> socket) -> Session {
    std::vector<bool> accepted;
    for (int i = 0; i < 10; ++i) {
      accepted.push_back(socket->send_text(std::to_string(i)));
      EXPECT_LE(socket->queued_bytes(), 4u);  // one byte per message, at most four messages
    }
    results.set_value(accepted);
    while (co_await socket->receive()) {
    }
  });
  ServerOptions options;
  options.websocket.max_queued_messages = 4;
  options.websocket.overflow = SendOverflow::drop_newest;
  start_server(options);
  auto received = run_client([&](asio::io_context&) -> asio::awaitable<std::string> {
    auto ws = co_await open_websocket(port(), "/ws");
    std::string all;
    for (int i = 0; i < 4; ++i) all += (co_await read_message(ws)).data;
    co_return all;
  });
  auto future = results.get_future();
  EXPECT_EQ(wait_for(future), (std::vector<bool>{true, true, true, true, false, false, false, false, false, false}));
  EXPECT_EQ(received, "0123");
}

TEST_F(WebSocketTest, OverflowDropOldestKeepsNewestMessages) {
  router_.add_websocket("/ws", [&](HttpRequest&, std::shared_ptr<WebSocket> socket) -> Session {
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(socket->send_text(std::to_string(i)));
    EXPECT_EQ(socket->queued_bytes(), 4u);  // "0" is already being written; "7", "8", "9" wait
    while (co_await socket->receive()) {
    }
  });
  ServerOptions options;
  options.websocket.max_queued_messages = 4;
  options.websocket.overflow = SendOverflow::drop_oldest;
  start_server(options);
  auto received = run_client([&](asio::io_context&) -> asio::awaitable<std::string> {
    auto ws = co_await open_websocket(port(), "/ws");
    std::string all;
    for (int i = 0; i < 4; ++i) all += (co_await read_message(ws)).data;
    co_return all;
  });
  EXPECT_EQ(received, "0789");
}

TEST_F(WebSocketTest, SlowReaderOverflowClosesWith1008AndQueueStaysBounded) {
  constexpr std::size_t kMaxQueuedBytes = 256 * 1024;
  std::promise<std::pair<std::size_t, std::size_t>> outcome;  // sends accepted, peak queued bytes
  router_.add_websocket("/ws", [&](HttpRequest&, std::shared_ptr<WebSocket> socket) -> Session {
    const std::string frame(16 * 1024, 'x');
    std::size_t accepted = 0;
    std::size_t peak = 0;
    for (int i = 0; i < 100'000 && socket->send_binary(frame); ++i) {
      ++accepted;
      peak = std::max(peak, socket->queued_bytes());
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    }
    outcome.set_value({accepted, peak});
    EXPECT_FALSE(socket->is_open());
    EXPECT_EQ(socket->close_info().code, 1008);
    EXPECT_EQ(socket->close_info().reason, "send queue overflow");
  });
  ServerOptions options;
  options.websocket.max_queued_bytes = kMaxQueuedBytes;
  options.websocket.close_timeout = std::chrono::milliseconds(500);
  start_server(options);
  run_client([&](asio::io_context&) -> asio::awaitable<bool> {
    auto ws = co_await open_websocket(port(), "/ws");
    auto future = outcome.get_future();
    const auto [accepted, peak] = wait_for(future);
    EXPECT_LT(accepted, 100'000u);
    EXPECT_LE(peak, kMaxQueuedBytes);
    co_return true;
  });
}

TEST_F(WebSocketTest, GracefulStopClosesWebSocketsWith1001) {
  std::promise<void> opened;
  router_.add_websocket("/ws", [&](HttpRequest&, std::shared_ptr<WebSocket> socket) -> Session {
    opened.set_value();
    while (co_await socket->receive()) {
    }
  });
  start_server();
  std::future<std::uint16_t> client_close = std::async(std::launch::async, [&] {
    return run_client([&](asio::io_context&) -> asio::awaitable<std::uint16_t> {
      auto ws = co_await open_websocket(port(), "/ws");
      co_return co_await read_until_closed(ws);
    });
  });
  auto open_future = opened.get_future();
  wait_for(open_future);
  EXPECT_EQ(server_->open_websockets(), 1u);
  server_->stop(std::chrono::seconds(5));
  EXPECT_EQ(wait_for(client_close), 1001);
  EXPECT_EQ(server_->open_connections(), 0u);
  EXPECT_EQ(server_->open_websockets(), 0u);
}

TEST_F(WebSocketTest, CloseSendsQueuedMessagesFirst) {
  router_.add_websocket("/ws", [](HttpRequest&, std::shared_ptr<WebSocket> socket) -> Session {
    for (const char* text : {"one", "two", "three"}) socket->send_text(text);
    socket->close(4000, "bye");
    EXPECT_FALSE(socket->is_open());
    EXPECT_FALSE(socket->send_text("too late"));
    co_return;
  });
  start_server();
  auto seen = run_client([&](asio::io_context&) -> asio::awaitable<std::string> {
    auto ws = co_await open_websocket(port(), "/ws");
    std::string all;
    for (int i = 0; i < 3; ++i) all += (co_await read_message(ws)).data + ",";
    const auto code = co_await read_until_closed(ws);
    co_return all + std::to_string(code) + ":" + std::string(ws.reason().reason.c_str());
  });
  EXPECT_EQ(seen, "one,two,three,4000:bye");
}

TEST_F(WebSocketTest, SilentPeerHitsIdleTimeout) {
  std::promise<CloseInfo> seen;
  router_.add_websocket("/ws", [&](HttpRequest&, std::shared_ptr<WebSocket> socket) -> Session {
    while (co_await socket->receive()) {
    }
    seen.set_value(socket->close_info());
  });
  ServerOptions options;
  options.websocket.idle_timeout = std::chrono::milliseconds(100);
  options.websocket.keepalive_pings = false;
  start_server(options);
  auto future = seen.get_future();
  run_client([&](asio::io_context&) -> asio::awaitable<bool> {
    auto ws = co_await open_websocket(port(), "/ws");
    const auto info = wait_for(future);
    EXPECT_EQ(info.code, 1006);
    EXPECT_EQ(info.reason, "idle timeout");
    co_return true;
  });
}

TEST_F(WebSocketTest, PlainRequestToWebSocketPathIs426) {
  router_.add_websocket("/ws", echo);
  start_server();
  auto response = http_request(port(), http::verb::get, "/ws");
  EXPECT_EQ(response.result_int(), 426);
  EXPECT_EQ(response[http::field::upgrade], "websocket");
}

TEST_F(WebSocketTest, DeclinesPermessageDeflate) {
  router_.add_websocket("/ws", echo);
  start_server();
  auto extensions = run_client([&](asio::io_context&) -> asio::awaitable<std::string> {
    PlainWebSocket ws(co_await connect_to(port()));
    ws.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
      request.set(http::field::sec_websocket_extensions, "permessage-deflate; client_max_window_bits");
    }));
    websocket::response_type response;
    co_await ws.async_handshake(response, "127.0.0.1", "/ws", asio::use_awaitable);
    co_return std::string(response[http::field::sec_websocket_extensions]);
  });
  EXPECT_EQ(extensions, "");
}

}  // namespace
}  // namespace patter::net::testing
