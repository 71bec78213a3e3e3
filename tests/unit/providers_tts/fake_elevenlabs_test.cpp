// The fake ElevenLabs server's own rules, checked with plain clients: what a TTS client that
// misbehaves would meet.

#include "fakes/fake_elevenlabs.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "fakes/run_coroutine.hpp"
#include "net/http_client.hpp"
#include "net/ws_client.hpp"

namespace patter::fakes {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

constexpr std::string_view kVoice = "EXAVITQu4vr4xnSDxMaL";

struct SocketLog {
  std::vector<std::string> messages;
  std::uint16_t close_code = 0;
};

class FakeElevenLabsTest : public ::testing::Test {
 protected:
  // Opens a stream-input socket, sends `messages`, and reads until the server closes.
  SocketLog converse(FakeElevenLabs& fake, std::vector<std::string> messages,
                     bool key_in_header = true) {
    net::WsConnectRequest request;
    request.url = fake.server().ws_url("/v1/text-to-speech/" + std::string(kVoice) + "/stream-input");
    request.query = {{"model_id", "eleven_flash_v2_5"}, {"output_format", "ulaw_8000"}};
    if (key_in_header) request.headers = {{"xi-api-key", fake.options().api_key}};
    return run_coroutine(io_, ws_conversation(std::move(request), std::move(messages)),
                         std::chrono::seconds(10));
  }

  static asio::awaitable<SocketLog> ws_conversation(net::WsConnectRequest request,
                                                    std::vector<std::string> messages) {
    net::WsClient client;
    auto connecting = client.connect(std::move(request));
    auto socket = co_await std::move(connecting);
    for (auto& message : messages) socket->send_text(std::move(message));
    SocketLog log;
    for (;;) {
      auto next = socket->receive();
      auto message = co_await std::move(next);
      if (!message) break;
      log.messages.push_back(message->data);
    }
    log.close_code = socket->close_info().code;
    co_return log;
  }

  net::HttpClientResponse post(FakeElevenLabs& fake, const std::string& query,
                               net::HeaderList headers, std::string body) {
    const auto url =
        fake.server().url("/v1/text-to-speech/" + std::string(kVoice) + "/stream" + query);
    return run_coroutine(io_, http_post(url, std::move(headers), std::move(body)));
  }

  static asio::awaitable<net::HttpClientResponse> http_post(std::string url,
                                                            net::HeaderList headers,
                                                            std::string body) {
    const auto executor = co_await asio::this_coro::executor;
    net::HttpClient client(executor);
    auto request = net::json_request("POST", std::move(url), std::move(body));
    for (auto& header : headers) request.headers.push_back(std::move(header));
    auto pending = client.request(std::move(request));
    auto response = co_await std::move(pending);
    co_return response;
  }

  asio::io_context io_;
};

TEST_F(FakeElevenLabsTest, StreamInputSpeaksBufferedTextOnFlushAndEndsWithIsFinal) {
  FakeElevenLabs fake;
  const auto log = converse(fake, {R"({"text":" "})", R"({"text":"Hello "})",
                                   R"({"text":"there. ","flush":true})", R"({"text":""})"});
  ASSERT_GE(log.messages.size(), 2u);
  std::string audio;
  for (std::size_t i = 0; i + 1 < log.messages.size(); ++i) {
    const auto message = json::parse(log.messages[i]).as_object();
    EXPECT_TRUE(message.at("isFinal").is_null());
    EXPECT_TRUE(message.at("alignment").as_object().contains("charStartTimesMs"));
    EXPECT_TRUE(message.at("normalizedAlignment").as_object().contains("charDurationsMs"));
    audio += std::string(message.at("audio").as_string());
  }
  EXPECT_EQ(json::parse(log.messages.back()), json::parse(R"({"isFinal":true})"));
  EXPECT_EQ(log.close_code, 1000);
  EXPECT_EQ(fake.requests().at(0).text, "Hello there.");
  EXPECT_EQ(fake.characters_spoken(), 12u);
}

TEST_F(FakeElevenLabsTest, TheFirstMessageMustBeASingleSpace) {
  FakeElevenLabs fake;
  const auto log = converse(fake, {R"({"text":"Hello"})"});
  ASSERT_EQ(log.messages.size(), 1u);
  EXPECT_EQ(json::parse(log.messages[0]).at("error"), "invalid_input_message");
  EXPECT_EQ(log.close_code, 1008);
}

TEST_F(FakeElevenLabsTest, TheKeyMayComeInTheFirstMessage) {
  FakeElevenLabs fake;
  const std::string bos = R"({"text":" ","xi-api-key":")" + fake.options().api_key + R"("})";
  const auto good = converse(fake, {bos, R"({"text":"Hi. ","flush":true})", R"({"text":""})"},
                             false);
  EXPECT_EQ(good.close_code, 1000);
  const auto bad = converse(fake, {R"({"text":" ","xi-api-key":"wrong"})"}, false);
  ASSERT_EQ(bad.messages.size(), 1u);
  EXPECT_EQ(json::parse(bad.messages[0]).at("error"), "invalid_api_key");
  EXPECT_EQ(bad.close_code, 1008);
}

TEST_F(FakeElevenLabsTest, SilencePastTheInactivityTimeoutClosesWith1008) {
  FakeElevenLabsOptions options;
  options.inactivity_timeout = milliseconds(100);
  FakeElevenLabs fake(options);
  const auto log = converse(fake, {R"({"text":" "})"});
  ASSERT_EQ(log.messages.size(), 1u);
  EXPECT_EQ(json::parse(log.messages[0]).at("error"), "input_timeout_exceeded");
  EXPECT_EQ(log.close_code, 1008);
}

TEST_F(FakeElevenLabsTest, HttpChecksTheKeyTheFormatAndTheBody) {
  FakeElevenLabs fake;
  const net::HeaderList key{{"xi-api-key", fake.options().api_key}};
  const auto no_key = post(fake, "?output_format=ulaw_8000", {}, R"({"text":"Hi"})");
  EXPECT_EQ(no_key.status, 401);
  EXPECT_EQ(json::parse(no_key.body).at("detail").at("status"), "needs_authorization");
  const auto mp3 = post(fake, "", key, R"({"text":"Hi"})");
  EXPECT_EQ(mp3.status, 422);
  const auto no_text = post(fake, "?output_format=ulaw_8000", key, R"({"model_id":"x"})");
  EXPECT_EQ(no_text.status, 422);
  const auto ok = post(fake, "?output_format=pcm_16000", key, R"({"text":"Hi"})");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, fake.audio_for("Hi", "pcm_16000"));
  EXPECT_EQ(ok.body.size(), 2u * 10 * 16 * 2);  // two characters of 10 ms at 16 kHz, 2 bytes each
}

}  // namespace
}  // namespace patter::fakes
