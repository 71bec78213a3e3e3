#include "session/remote/remote_brain_client.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "fakes/fake_server.hpp"
#include "remote_test_support.hpp"

namespace patter::session {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using fakes::FakeServer;
using fakes::FakeWebSocket;
using std::chrono::milliseconds;

// Written independently of the client's helper, straight on OpenSSL.
std::string expected_signature(const std::string& secret, const std::string& body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest.data(), &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    std::array<char, 3> byte{};
    std::snprintf(byte.data(), byte.size(), "%02x", digest[i]);
    hex += byte.data();
  }
  return hex;
}

class RecordingWriter final : public ReplyWriter {
 public:
  void write(std::string_view chunk) override {
    const std::lock_guard lock(mutex_);
    writes.emplace_back(chunk);
  }
  void finish() override {
    const std::lock_guard lock(mutex_);
    ++finished;
  }
  void fail(std::string message) override {
    const std::lock_guard lock(mutex_);
    failures.push_back(std::move(message));
  }
  [[nodiscard]] bool ended() const {
    const std::lock_guard lock(mutex_);
    return finished + failures.size() > 0;
  }

  std::vector<std::string> writes;
  int finished = 0;
  std::vector<std::string> failures;

 private:
  mutable std::mutex mutex_;
};

MessageContext sample_turn() {
  MessageContext turn;
  turn.text = "Where is my order?";
  turn.call = CallParties{"CA9", "+15550001111", "+15550002222"};
  turn.history = {{"assistant", "Hi, how can I help?", 1700000000.5},
                  {"user", "Where is my order?", 1700000003.25}};
  return turn;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class RemoteBrainClientTest : public testing::RemoteClientTest {
 protected:
  RemoteBrainOptions fast_options() {
    RemoteBrainOptions options;
    options.timeout = milliseconds(2000);
    options.url_policy = testing::loopback_allowed();
    return options;
  }

  // Asks once and runs the loop until the writer is finished or failed.
  std::shared_ptr<RecordingWriter> ask(std::string url, std::string secret = {}) {
    return ask_with(fast_options(), std::move(url), std::move(secret));
  }

  std::shared_ptr<RecordingWriter> ask_with(RemoteBrainOptions options, std::string url,
                                            std::string secret = {}) {
    HttpWsRemoteBrainClient client(io_.get_executor(), std::move(options));
    OnMessage remote;
    remote.url = std::move(url);
    remote.secret = std::move(secret);
    auto writer = std::make_shared<RecordingWriter>();
    auto handle = client.ask(remote, sample_turn(), writer);
    EXPECT_TRUE(run_until([&] { return writer->ended(); }));
    // A WebSocket's close guard timer outlives the turn, so the loop may not run dry here;
    // a short run is enough to catch a second end of the reply.
    run_until_idle(milliseconds(200));
    EXPECT_EQ(writer->finished + writer->failures.size(), 1u);
    return writer;
  }

  static std::string only_failure(const RecordingWriter& writer) {
    EXPECT_EQ(writer.failures.size(), 1u);
    return writer.failures.empty() ? std::string() : writer.failures.front();
  }

  FakeServer server_;
};

TEST_F(RemoteBrainClientTest, HttpJsonReplyIsWrittenAndFinished) {
  server_.on_http(
      "POST", "/brain",
      fakes::FakeResponse{
          200, {{"Content-Type", "application/json"}}, R"({"text":"It ships today."})"});
  server_.start();
  const auto writer = ask(server_.url("/brain"));
  EXPECT_EQ(writer->writes, std::vector<std::string>{"It ships today."});
  EXPECT_EQ(writer->finished, 1);

  const auto requests = server_.log().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("Content-Type"), "application/json");
  EXPECT_FALSE(requests[0].header("X-Patter-Signature"));
  const auto body = json::parse(requests[0].body).as_object();
  EXPECT_EQ(body.at("text"), json::value("Where is my order?"));
  EXPECT_EQ(body.at("call_id"), json::value("CA9"));
  EXPECT_EQ(body.at("caller"), json::value("+15550001111"));
  EXPECT_EQ(body.at("callee"), json::value("+15550002222"));
  EXPECT_EQ(body.at("history"), json::parse(R"([
      {"role":"assistant","text":"Hi, how can I help?","timestamp":1700000000.5},
      {"role":"user","text":"Where is my order?","timestamp":1700000003.25}])"));
}

TEST_F(RemoteBrainClientTest, HttpPlainTextReplyIsWrittenAsIs) {
  server_.on_http(
      "POST", "/brain",
      fakes::FakeResponse{200, {{"Content-Type", "text/plain; charset=utf-8"}}, "Plain words."});
  server_.start();
  const auto writer = ask(server_.url("/brain"));
  EXPECT_EQ(writer->writes, std::vector<std::string>{"Plain words."});
  EXPECT_EQ(writer->finished, 1);
}

TEST_F(RemoteBrainClientTest, HttpJsonWithoutTextFails) {
  server_.on_http("POST", "/brain",
                  fakes::FakeResponse{
                      200, {{"Content-Type", "application/json"}}, R"({"reply":"wrong field"})"});
  server_.start();
  const auto writer = ask(server_.url("/brain"));
  EXPECT_TRUE(writer->writes.empty());
  EXPECT_TRUE(contains(only_failure(*writer), "\"text\"")) << only_failure(*writer);
}

TEST_F(RemoteBrainClientTest, HttpMalformedJsonFails) {
  server_.on_http("POST", "/brain",
                  fakes::FakeResponse{200, {{"Content-Type", "application/json"}}, "{not json"});
  server_.start();
  const auto writer = ask(server_.url("/brain"));
  EXPECT_TRUE(writer->writes.empty());
  EXPECT_TRUE(contains(only_failure(*writer), "JSON")) << only_failure(*writer);
}

TEST_F(RemoteBrainClientTest, HttpErrorStatusFailsNamingTheStatus) {
  server_.on_http("POST", "/brain", fakes::FakeResponse{503, {}, "overloaded"});
  server_.start();
  const auto writer = ask(server_.url("/brain"));
  EXPECT_TRUE(contains(only_failure(*writer), "HTTP 503")) << only_failure(*writer);
}

TEST_F(RemoteBrainClientTest, HttpReplyOverTheCapFails) {
  server_.on_http("POST", "/brain",
                  fakes::FakeResponse{200, {}, std::string(std::size_t{64} * 1024 + 1, 'a')});
  server_.start();
  const auto writer = ask(server_.url("/brain"));
  EXPECT_TRUE(writer->writes.empty());
  EXPECT_TRUE(contains(only_failure(*writer), "larger than 65536 bytes")) << only_failure(*writer);
}

TEST_F(RemoteBrainClientTest, HttpTimeoutFails) {
  server_.on_http("POST", "/brain", [](fakes::FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.stall();
  });
  server_.start();
  auto options = fast_options();
  options.timeout = milliseconds(100);
  const auto writer = ask_with(options, server_.url("/brain"));
  EXPECT_TRUE(contains(only_failure(*writer), "timeout")) << only_failure(*writer);
}

TEST_F(RemoteBrainClientTest, HttpRequestIsSignedWithTheSecret) {
  server_.on_http("POST", "/brain", fakes::FakeResponse{200, {}, "ok"});
  server_.start();
  ask(server_.url("/brain"), "shared-secret-1");
  const auto requests = server_.log().requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto signature = requests[0].header("X-Patter-Signature");
  ASSERT_TRUE(signature);
  EXPECT_EQ(*signature, expected_signature("shared-secret-1", requests[0].body));
}

TEST_F(RemoteBrainClientTest, DefaultPolicyRefusesLoopbackWithoutARequest) {
  server_.start();
  const auto writer = ask_with(RemoteBrainOptions{}, server_.url("/brain"));
  EXPECT_TRUE(contains(only_failure(*writer), "refused")) << only_failure(*writer);
  EXPECT_EQ(server_.log().connections_accepted(), 0u);
}

TEST_F(RemoteBrainClientTest, WebSocketStreamsTextFramesUntilDone) {
  std::string first_message;
  std::optional<std::string> signature;
  std::atomic<int> close_code{0};
  server_.on_websocket("/brain", [&](FakeWebSocket& socket) -> asio::awaitable<void> {
    signature = socket.request().header("X-Patter-Signature");
    auto first = co_await socket.receive();
    if (first) first_message = first->data;
    co_await socket.send_text(R"({"text":"Your order "})");
    co_await socket.send_text(R"({"text":"ships today."})");
    co_await socket.send_text(R"({"done":true})");
    while (co_await socket.receive()) {
    }
    close_code = socket.peer_close_code().value_or(-1);
  });
  server_.start();
  const auto writer = ask(server_.ws_url("/brain"), "ws-secret-2");
  EXPECT_EQ(writer->writes, (std::vector<std::string>{"Your order ", "ships today."}));
  EXPECT_EQ(writer->finished, 1);
  // The handler stores close_code last, so its other writes are visible once it is set.
  ASSERT_TRUE(run_until([&] { return close_code != 0; }, milliseconds(2000)));
  EXPECT_EQ(close_code, 1000);
  const auto body = json::parse(first_message).as_object();
  EXPECT_EQ(body.at("text"), json::value("Where is my order?"));
  EXPECT_EQ(body.at("history").as_array().size(), 2u);
  ASSERT_TRUE(signature);
  EXPECT_EQ(*signature, expected_signature("ws-secret-2", first_message));
}

TEST_F(RemoteBrainClientTest, WebSocketClosedBeforeDoneFails) {
  server_.on_websocket("/brain", [](FakeWebSocket& socket) -> asio::awaitable<void> {
    co_await socket.receive();
    co_await socket.send_text(R"({"text":"Partial answer."})");
    co_await socket.close(1011, "brain crashed");
  });
  server_.start();
  const auto writer = ask(server_.ws_url("/brain"));
  EXPECT_EQ(writer->writes, std::vector<std::string>{"Partial answer."});
  const auto failure = only_failure(*writer);
  EXPECT_TRUE(contains(failure, "closed")) << failure;
  EXPECT_TRUE(contains(failure, "1011")) << failure;
}

TEST_F(RemoteBrainClientTest, WebSocketGarbageFrameFails) {
  std::atomic<int> close_code{0};
  server_.on_websocket("/brain", [&](FakeWebSocket& socket) -> asio::awaitable<void> {
    co_await socket.receive();
    co_await socket.send_text("this is not json");
    while (co_await socket.receive()) {
    }
    close_code = socket.peer_close_code().value_or(-1);
  });
  server_.start();
  const auto writer = ask(server_.ws_url("/brain"));
  EXPECT_TRUE(writer->writes.empty());
  const auto failure = only_failure(*writer);
  EXPECT_TRUE(contains(failure, "this is not json")) << failure;
  EXPECT_TRUE(run_until([&] { return close_code != 0; }, milliseconds(2000)));
  EXPECT_EQ(close_code, 1008);
}

TEST_F(RemoteBrainClientTest, WebSocketFrameWithoutTextOrDoneFails) {
  server_.on_websocket("/brain", [](FakeWebSocket& socket) -> asio::awaitable<void> {
    co_await socket.receive();
    co_await socket.send_text(R"({"done":false})");
    while (co_await socket.receive()) {
    }
  });
  server_.start();
  const auto writer = ask(server_.ws_url("/brain"));
  const auto failure = only_failure(*writer);
  EXPECT_TRUE(contains(failure, "not {\"text\"")) << failure;
}

TEST_F(RemoteBrainClientTest, WebSocketSilenceTimesOut) {
  server_.on_websocket("/brain", [](FakeWebSocket& socket) -> asio::awaitable<void> {
    while (co_await socket.receive()) {
    }
  });
  server_.start();
  auto options = fast_options();
  options.timeout = milliseconds(150);
  const auto writer = ask_with(options, server_.ws_url("/brain"));
  EXPECT_TRUE(contains(only_failure(*writer), "timeout")) << only_failure(*writer);
}

TEST_F(RemoteBrainClientTest, CancelStopsTheStreamWithoutTouchingTheWriter) {
  server_.on_websocket("/brain", [](FakeWebSocket& socket) -> asio::awaitable<void> {
    co_await socket.receive();
    co_await socket.send_text(R"({"text":"First part."})");
    while (co_await socket.receive()) {
    }
  });
  server_.start();
  auto options = fast_options();
  options.timeout = milliseconds(5000);  // far beyond the idle check below
  HttpWsRemoteBrainClient client(io_.get_executor(), options);
  OnMessage remote;
  remote.url = server_.ws_url("/brain");
  auto writer = std::make_shared<RecordingWriter>();
  auto handle = client.ask(remote, sample_turn(), writer);
  ASSERT_TRUE(run_until([&] { return writer->writes.size() == 1; }));
  handle->cancel();
  handle->cancel();
  EXPECT_TRUE(run_until_idle(milliseconds(2000)));
  EXPECT_EQ(writer->writes.size(), 1u);
  EXPECT_FALSE(writer->ended());
}

TEST_F(RemoteBrainClientTest, CancelStopsAnHttpRequestInFlight) {
  server_.on_http("POST", "/brain", [](fakes::FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.stall();
  });
  server_.start();
  auto options = fast_options();
  options.timeout = milliseconds(5000);
  HttpWsRemoteBrainClient client(io_.get_executor(), options);
  OnMessage remote;
  remote.url = server_.url("/brain");
  auto writer = std::make_shared<RecordingWriter>();
  auto handle = client.ask(remote, sample_turn(), writer);
  ASSERT_TRUE(run_until([&] { return server_.log().requests().size() == 1; }));
  handle->cancel();
  EXPECT_TRUE(run_until_idle(milliseconds(2000)));
  EXPECT_FALSE(writer->ended());
  EXPECT_TRUE(writer->writes.empty());
}

}  // namespace
}  // namespace patter::session
