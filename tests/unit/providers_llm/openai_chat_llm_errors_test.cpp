// Failures of the Chat Completions client against the fake: HTTP errors, retries, timeouts,
// dropped and malformed streams. Each ends in exactly one on_error and never in on_done.

#include "llm_test_support.hpp"

namespace patter::providers {
namespace {

using fakes::FakeChatReply;
using fakes::FakeOpenAiChat;
using std::chrono::milliseconds;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class OpenAiChatErrorsTest : public testing::ChatClientTest {
 protected:
  // Streams one reply that must fail, and returns its single error message.
  std::string failure(const ChatConfig& config) {
    OpenAiChatLlm llm(config);
    const auto got = reply(llm);
    EXPECT_FALSE(got.done.has_value());
    EXPECT_EQ(got.errors.size(), 1u);
    EXPECT_EQ(got.order.empty() ? "" : got.order.back(), "error");
    last_ = got;
    return got.error();
  }

  FakeOpenAiChat fake_;
  testing::Recorder last_;
};

TEST_F(OpenAiChatErrorsTest, WrongKeyIsAnAuthenticationErrorNamingTheVariable) {
  auto config = config_for_fake(fake_);
  config.api_key = "sk-wrong-key-0000000000";
  const auto message = failure(config);
  EXPECT_TRUE(contains(message, "openai: authentication failed (HTTP 401")) << message;
  EXPECT_TRUE(contains(message, "check OPENAI_API_KEY")) << message;
  EXPECT_FALSE(contains(message, "sk-wrong-key")) << message;
  EXPECT_EQ(fake_.requests().at(0).rejection.substr(0, 25), "Incorrect API key provide");
}

TEST_F(OpenAiChatErrorsTest, ForbiddenIsAnAuthenticationError) {
  fake_.enqueue(FakeChatReply::http_error(403, "Project does not have access to model",
                                          "invalid_request_error", "model_not_found"));
  const auto message = failure(config_for_fake(fake_));
  EXPECT_TRUE(contains(message, "authentication failed (HTTP 403")) << message;
}

TEST_F(OpenAiChatErrorsTest, RateLimitCarriesRetryAfterAndIsNotRetriedWhenTheWaitIsLong) {
  fake_.enqueue(FakeChatReply::rate_limited(7));
  auto config = config_for_fake(fake_);
  config.max_attempts = 3;
  const auto message = failure(config);
  EXPECT_TRUE(contains(message, "rate limited (HTTP 429")) << message;
  EXPECT_TRUE(contains(message, "retry after 7 seconds")) << message;
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(OpenAiChatErrorsTest, ShortRateLimitIsRetried) {
  fake_.enqueue(FakeChatReply::rate_limited(0));
  auto config = config_for_fake(fake_);
  config.max_attempts = 2;
  OpenAiChatLlm llm(config);
  const auto got = reply(llm);
  EXPECT_EQ(got.text, "Hello there!");
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(OpenAiChatErrorsTest, ServerErrorIsRetryableAndRetried) {
  fake_.enqueue(FakeChatReply::server_error(500));
  fake_.enqueue(FakeChatReply::server_error(503));
  auto config = config_for_fake(fake_);
  config.max_attempts = 2;
  config.max_retry_wait = milliseconds(50);
  const auto message = failure(config);
  EXPECT_TRUE(contains(message, "server error (HTTP 503")) << message;
  EXPECT_TRUE(contains(message, "(retryable)")) << message;
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(OpenAiChatErrorsTest, ServerErrorThenSuccess) {
  fake_.enqueue(FakeChatReply::server_error(502));
  auto config = config_for_fake(fake_);
  config.max_attempts = 2;
  config.max_retry_wait = milliseconds(50);
  OpenAiChatLlm llm(config);
  const auto got = reply(llm);
  EXPECT_EQ(got.text, "Hello there!");
  EXPECT_TRUE(got.errors.empty());
}

TEST_F(OpenAiChatErrorsTest, BadRequestIsFinal) {
  fake_.enqueue(
      FakeChatReply::http_error(400, "Invalid 'messages': empty", "invalid_request_error"));
  auto config = config_for_fake(fake_);
  config.max_attempts = 3;
  const auto message = failure(config);
  EXPECT_EQ(
      message,
      "openai: request rejected (HTTP 400: Invalid 'messages': empty (invalid_request_error))");
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(OpenAiChatErrorsTest, ToolResultWithoutItsCallIsRejectedByTheServer) {
  OpenAiChatLlm llm(config_for_fake(fake_));
  auto request = hello_request();
  request.messages.push_back(ChatMessage{Role::tool, "{}", {}, "call_unknown", "lookup"});
  const auto got = reply(llm, request);
  EXPECT_TRUE(contains(got.error(), "request rejected (HTTP 400: Invalid parameter: messages with "
                                    "role 'tool' must be a response"))
      << got.error();
  EXPECT_FALSE(fake_.requests().at(0).rejection.empty());
}

TEST_F(OpenAiChatErrorsTest, DisconnectMidStreamAfterSomeText) {
  auto script = FakeChatReply::text({"one", " two", " three"});
  script.disconnect_after = 2;
  fake_.enqueue(script);
  auto config = config_for_fake(fake_);
  config.max_attempts = 3;
  const auto message = failure(config);
  EXPECT_EQ(last_.text, "one two");
  EXPECT_TRUE(contains(message, "connection lost")) << message;
  EXPECT_EQ(fake_.requests().size(), 1u) << "output was delivered: no retry";
}

TEST_F(OpenAiChatErrorsTest, BodyEndingBeforeTheFinishIsAnError) {
  auto script = FakeChatReply::text({"one", " two"});
  script.end_after = 1;
  fake_.enqueue(script);
  const auto message = failure(config_for_fake(fake_));
  EXPECT_TRUE(contains(message, "ended before the reply was finished")) << message;
}

TEST_F(OpenAiChatErrorsTest, MalformedChunkIsAClearError) {
  auto script = FakeChatReply::text({"one", " two"});
  script.malformed_after = 1;
  fake_.enqueue(script);
  const auto message = failure(config_for_fake(fake_));
  EXPECT_EQ(last_.text, "one");
  EXPECT_TRUE(contains(message, "malformed stream chunk: not JSON")) << message;
}

TEST_F(OpenAiChatErrorsTest, MidStreamErrorObject) {
  auto script = FakeChatReply::text({"one", " two"});
  script.error_after = 1;
  fake_.enqueue(script);
  const auto message = failure(config_for_fake(fake_));
  EXPECT_TRUE(contains(message, "error in the stream: The server had an error")) << message;
}

TEST_F(OpenAiChatErrorsTest, FirstTokenTimeout) {
  auto script = FakeChatReply::text({"late"});
  script.time_to_first_token = std::chrono::seconds(5);
  fake_.enqueue(script);
  auto config = config_for_fake(fake_);
  config.first_token_timeout = milliseconds(100);
  const auto message = failure(config);
  EXPECT_EQ(message, "openai: timed out: no first token within 100 ms (retryable)");
  EXPECT_TRUE(last_.deltas.empty());
}

TEST_F(OpenAiChatErrorsTest, RequestTimeoutMidStream) {
  auto script = FakeChatReply::text({"a", "b", "c", "d", "e", "f"});
  script.inter_token_delay = milliseconds(100);
  fake_.enqueue(script);
  auto config = config_for_fake(fake_);
  config.request_timeout = milliseconds(250);
  const auto message = failure(config);
  EXPECT_FALSE(last_.deltas.empty());
  EXPECT_TRUE(contains(message, "timed out")) << message;
}

TEST_F(OpenAiChatErrorsTest, NothingListeningIsARetryableConnectError) {
  auto config = config_for_fake(fake_);
  config.base_url = "http://127.0.0.1:1/v1";
  const auto message = failure(config);
  EXPECT_TRUE(contains(message, "openai: cannot connect")) << message;
}

TEST_F(OpenAiChatErrorsTest, UntrustedCertificateIsFinal) {
  fakes::FakeOpenAiChatOptions options;
  options.tls = true;
  FakeOpenAiChat secure(options);
  auto config = config_for_fake(secure);
  config.extra_ca_pem.clear();
  config.max_attempts = 3;
  const auto message = failure(config);
  EXPECT_TRUE(contains(message, "TLS handshake failed")) << message;
  EXPECT_TRUE(contains(message, "certificate verify failed")) << message;
  EXPECT_TRUE(secure.requests().empty());
}

}  // namespace
}  // namespace patter::providers
