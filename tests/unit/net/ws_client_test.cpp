#include "net/ws_client.hpp"

#include "client_test_support.hpp"
#include "fakes/fake_server.hpp"
#include "fakes/saturated_listener.hpp"
#include "net/tls_client_context.hpp"

namespace patter::net {
namespace {

namespace asio = boost::asio;
using fakes::FakeServer;
using fakes::FakeWebSocket;
using testing::contains;

asio::awaitable<void> echo(FakeWebSocket& socket) {
  while (auto message = co_await socket.receive()) {
    if (message->binary) {
      co_await socket.send_binary(message->data);
    } else {
      co_await socket.send_text(message->data);
    }
  }
}

fakes::FakeServerOptions tls_server() {
  fakes::FakeServerOptions options;
  options.tls = true;
  return options;
}

WsConnectRequest connect_request(std::string url) {
  WsConnectRequest request;
  request.url = std::move(url);
  request.headers.emplace_back("Authorization", "Token secret-key");
  request.query = {{"model", "nova-3"}, {"keyterm", "C++ & Rust"}};
  return request;
}

class WsClientTest : public testing::ClientLoopTest {
 protected:
  // Sends a text and a binary message through an echo route and checks both come back.
  void expect_echo(FakeServer& server, WsClient& client) {
    server.on_websocket("/v1/echo", echo);
    server.start();
    const auto close_code = run([&]() -> asio::awaitable<std::uint16_t> {
      auto socket = co_await client.connect(connect_request(server.ws_url("/v1/echo")));
      EXPECT_TRUE(socket->send_text("hello"));
      EXPECT_TRUE(socket->send_binary(std::string("\x00\x01\xff", 3)));
      const auto text = co_await socket->receive();
      const auto binary = co_await socket->receive();
      EXPECT_TRUE(text && !text->binary && text->data == "hello");
      EXPECT_TRUE(binary && binary->binary && binary->data == std::string("\x00\x01\xff", 3));
      socket->close(1000, "done");
      while (co_await socket->receive()) {
      }
      co_return socket->close_info().code;
    }());
    EXPECT_EQ(close_code, 1000);
    const auto requests = server.log().requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_TRUE(requests[0].websocket);
    EXPECT_EQ(requests[0].path, "/v1/echo");
    EXPECT_EQ(requests[0].header("Authorization"), "Token secret-key");
    EXPECT_EQ(requests[0].query_param("model"), "nova-3");
    EXPECT_EQ(requests[0].query_param("keyterm"), "C++ & Rust");
    const auto messages = server.log().websocket_messages();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_FALSE(messages[0].binary);
    EXPECT_TRUE(messages[1].binary);
  }
};

TEST_F(WsClientTest, PlainEchoWithHeadersAndQuery) {
  FakeServer server;
  WsClient client;
  expect_echo(server, client);
}

TEST_F(WsClientTest, TlsEchoWithHeadersAndQuery) {
  FakeServer server(tls_server());
  TlsClientOptions trust;
  trust.extra_ca_pem = server.certificate_pem();
  WsClient client(std::make_shared<TlsClientContext>(trust));
  expect_echo(server, client);
}

TEST_F(WsClientTest, RejectedHandshakeCarriesStatusAndBody) {
  FakeServer server;
  server.on_websocket("/v1/listen", [](FakeWebSocket& socket) -> asio::awaitable<void> {
    fakes::FakeResponse refusal;
    refusal.status = 401;
    refusal.headers.emplace_back("dg-error", "Invalid credentials");
    refusal.body = R"({"err_code":"INVALID_AUTH","err_msg":"Invalid credentials."})";
    co_await socket.reject(refusal);
  });
  server.start();
  WsClient client;
  try {
    run(client.connect(connect_request(server.ws_url("/v1/listen"))));
    FAIL() << "expected WsHandshakeError";
  } catch (const WsHandshakeError& error) {
    EXPECT_EQ(error.kind(), ClientErrorKind::handshake_rejected);
    EXPECT_EQ(error.status(), 401);
    EXPECT_TRUE(contains(error.body(), "INVALID_AUTH")) << error.body();
    EXPECT_EQ(find_header(error.headers(), "DG-Error"), "Invalid credentials");
    EXPECT_TRUE(contains(error.what(), "HTTP 401")) << error.what();
    EXPECT_FALSE(contains(error.what(), "secret")) << error.what();
  }
}

TEST_F(WsClientTest, UnknownRouteIsRejectedWith404) {
  FakeServer server;
  server.start();
  WsClient client;
  try {
    run(client.connect(connect_request(server.ws_url("/nowhere"))));
    FAIL() << "expected WsHandshakeError";
  } catch (const WsHandshakeError& error) {
    EXPECT_EQ(error.status(), 404);
  }
}

TEST_F(WsClientTest, ServerCloseCodeAndReasonAreSurfaced) {
  FakeServer server;
  server.on_websocket("/v1/listen", [](FakeWebSocket& socket) -> asio::awaitable<void> {
    co_await socket.send_text("bye");
    co_await socket.close(1011, "NET-0001");
  });
  server.start();
  WsClient client;
  const auto info = run([&]() -> asio::awaitable<CloseInfo> {
    auto socket = co_await client.connect(connect_request(server.ws_url("/v1/listen")));
    const auto last = co_await socket->receive();
    EXPECT_TRUE(last && last->data == "bye");
    EXPECT_FALSE(co_await socket->receive());
    co_return socket->close_info();
  }());
  EXPECT_EQ(info.code, 1011);
  EXPECT_EQ(info.reason, "NET-0001");
}

TEST_F(WsClientTest, AbruptDisconnectIsAbnormalClosure) {
  FakeServer server;
  server.on_websocket("/v1/drop", [](FakeWebSocket& socket) -> asio::awaitable<void> {
    co_await socket.accept();
    socket.disconnect();
  });
  server.start();
  WsClient client;
  const auto info = run([&]() -> asio::awaitable<CloseInfo> {
    auto socket = co_await client.connect(connect_request(server.ws_url("/v1/drop")));
    EXPECT_FALSE(co_await socket->receive());
    co_return socket->close_info();
  }());
  EXPECT_EQ(info.code, 1006);
}

TEST_F(WsClientTest, SubprotocolsAreOffered) {
  FakeServer server;
  server.on_websocket("/realtime", [](FakeWebSocket& socket) -> asio::awaitable<void> {
    co_await socket.accept("realtime");
    co_await socket.send_text(socket.request().header("Sec-WebSocket-Protocol").value_or(""));
    co_await socket.close(1000);
  });
  server.start();
  WsClient client;
  auto request = connect_request(server.ws_url("/realtime"));
  request.subprotocols = {"realtime", "openai-beta.realtime-v1"};
  const auto offered = run([&]() -> asio::awaitable<std::string> {
    auto socket = co_await client.connect(request);
    auto message = co_await socket->receive();
    co_return message ? message->data : std::string();
  }());
  EXPECT_EQ(offered, "realtime, openai-beta.realtime-v1");
}

TEST_F(WsClientTest, ConnectTimeoutIsReported) {
  fakes::SaturatedListener listener;
  WsClient client;
  auto request = connect_request(listener.url("ws", "/v1/listen"));
  request.connect_timeout = std::chrono::milliseconds(200);
  const auto error = run_expecting_error(client.connect(request));
  EXPECT_EQ(error.kind(), ClientErrorKind::connect_timeout);
}

TEST_F(WsClientTest, HandshakeTimeoutIsReported) {
  FakeServer server;
  server.on_websocket("/slow", [](FakeWebSocket& socket) -> asio::awaitable<void> {
    co_await fakes::sleep_for(std::chrono::seconds(5));
    co_await socket.accept();
  });
  server.start();
  WsClient client;
  auto request = connect_request(server.ws_url("/slow"));
  request.handshake_timeout = std::chrono::milliseconds(200);
  const auto error = run_expecting_error(client.connect(request));
  EXPECT_EQ(error.kind(), ClientErrorKind::read_timeout);
  EXPECT_TRUE(contains(error.what(), "within 200 ms")) << error.what();
}

TEST_F(WsClientTest, ManyConcurrentSocketsOnOneFake) {
  constexpr int kSockets = 100;
  FakeServer server;
  server.on_websocket("/v1/echo", echo);
  server.start();
  WsClient client;
  int echoed = 0;
  run([&]() -> asio::awaitable<void> {
    std::vector<std::shared_ptr<WebSocket>> sockets;
    for (int i = 0; i < kSockets; ++i) {
      sockets.push_back(co_await client.connect(connect_request(server.ws_url("/v1/echo"))));
      sockets.back()->send_text("call " + std::to_string(i));
    }
    for (int i = 0; i < kSockets; ++i) {
      const auto reply = co_await sockets[static_cast<std::size_t>(i)]->receive();
      if (reply && reply->data == "call " + std::to_string(i)) ++echoed;
      sockets[static_cast<std::size_t>(i)]->abort();
    }
  }());
  EXPECT_EQ(echoed, kSockets);
  EXPECT_EQ(server.log().connections_accepted(), static_cast<std::size_t>(kSockets));
}

TEST_F(WsClientTest, WrongSchemeIsRejected) {
  WsClient client;
  try {
    run(client.connect(connect_request("http://127.0.0.1:1/")));
    FAIL() << "expected ClientError";
  } catch (const ClientError& error) {
    EXPECT_EQ(error.kind(), ClientErrorKind::invalid_request);
  }
}

}  // namespace
}  // namespace patter::net
