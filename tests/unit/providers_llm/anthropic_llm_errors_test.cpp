// Failures of the Anthropic Messages client against the fake: HTTP errors (401, 429, 529, 5xx),
// retries before output, timeouts, dropped and malformed streams, the error event. Each ends in
// exactly one on_error and never in on_done.

#include "core/error.hpp"
#include "fakes/fake_anthropic.hpp"
#include "llm_test_support.hpp"
#include "providers/llm/anthropic_llm.hpp"

namespace patter::providers {
namespace {

using fakes::FakeAnthropic;
using fakes::FakeAnthropicReply;
using std::chrono::milliseconds;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class AnthropicErrorsTest : public testing::ChatClientTest {
 protected:
  [[nodiscard]] ChatConfig config() const { return aimed_at(fake_, anthropic_config()); }

  // Streams one reply that must fail, and returns its single error message.
  std::string failure(const ChatConfig& settings) {
    AnthropicLlm llm(settings);
    last_ = reply(llm);
    EXPECT_FALSE(last_.done.has_value());
    EXPECT_EQ(last_.errors.size(), 1u);
    EXPECT_EQ(last_.order.empty() ? "" : last_.order.back(), "error");
    return last_.error();
  }

  FakeAnthropic fake_;
  testing::Recorder last_;
};

TEST_F(AnthropicErrorsTest, WrongKeyIsAnAuthenticationErrorNamingTheVariable) {
  auto settings = config();
  settings.api_key = "sk-ant-wrong-000000000000";
  settings.max_attempts = 3;
  const auto message = failure(settings);
  EXPECT_EQ(message,
            "anthropic: authentication failed (HTTP 401: invalid x-api-key "
            "(authentication_error)); check ANTHROPIC_API_KEY");
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(AnthropicErrorsTest, ForbiddenIsAnAuthenticationError) {
  fake_.enqueue(FakeAnthropicReply::http_error(403, "permission_error",
                                               "Your API key does not have permission"));
  EXPECT_TRUE(contains(failure(config()), "authentication failed (HTTP 403"));
}

TEST_F(AnthropicErrorsTest, LongRateLimitIsNotRetried) {
  fake_.enqueue(FakeAnthropicReply::rate_limited(30));
  auto settings = config();
  settings.max_attempts = 3;
  const auto message = failure(settings);
  EXPECT_TRUE(contains(message, "rate limited (HTTP 429: This request would exceed")) << message;
  EXPECT_TRUE(contains(message, "(rate_limit_error)")) << message;
  EXPECT_TRUE(contains(message, "retry after 30 seconds")) << message;
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(AnthropicErrorsTest, ShortRateLimitIsRetriedAfterItsWait) {
  fake_.enqueue(FakeAnthropicReply::rate_limited(0));
  auto settings = config();
  settings.max_attempts = 2;
  AnthropicLlm llm(settings);
  const auto got = reply(llm);
  EXPECT_EQ(got.text, "Hello there!");
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(AnthropicErrorsTest, OverloadedIsRetriedThenReported) {
  fake_.enqueue(FakeAnthropicReply::overloaded());
  fake_.enqueue(FakeAnthropicReply::overloaded());
  auto settings = config();
  settings.max_attempts = 2;
  settings.max_retry_wait = milliseconds(50);
  const auto message = failure(settings);
  EXPECT_EQ(message,
            "anthropic: server error (HTTP 529: Overloaded (overloaded_error)) (retryable)");
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(AnthropicErrorsTest, ServerErrorThenSuccess) {
  fake_.enqueue(FakeAnthropicReply::server_error(500));
  auto settings = config();
  settings.max_attempts = 2;
  settings.max_retry_wait = milliseconds(50);
  AnthropicLlm llm(settings);
  const auto got = reply(llm);
  EXPECT_EQ(got.text, "Hello there!");
  EXPECT_TRUE(got.errors.empty());
}

TEST_F(AnthropicErrorsTest, InvalidRequestIsFinal) {
  auto settings = config();
  settings.max_attempts = 3;
  settings.model = "";  // caught by the client
  EXPECT_THROW(AnthropicLlm{settings}, core::Error);
  fake_.enqueue(FakeAnthropicReply::http_error(400, "invalid_request_error",
                                               "messages: roles must alternate"));
  const auto message = failure(config());
  EXPECT_EQ(message,
            "anthropic: request rejected (HTTP 400: messages: roles must alternate "
            "(invalid_request_error))");
}

TEST_F(AnthropicErrorsTest, DisconnectMidStreamAfterSomeText) {
  auto script = FakeAnthropicReply::text({"one", " two", " three"});
  script.disconnect_after = 2;
  fake_.enqueue(script);
  auto settings = config();
  settings.max_attempts = 3;
  const auto message = failure(settings);
  EXPECT_EQ(last_.text, "one two");
  EXPECT_TRUE(contains(message, "connection lost")) << message;
  EXPECT_EQ(fake_.requests().size(), 1u) << "output was delivered: no retry";
}

TEST_F(AnthropicErrorsTest, DisconnectBeforeAnyTextIsRetried) {
  auto script = FakeAnthropicReply::text({"lost"});
  script.disconnect_after = 0;
  fake_.enqueue(script);
  auto settings = config();
  settings.max_attempts = 2;
  settings.max_retry_wait = milliseconds(50);
  AnthropicLlm llm(settings);
  const auto got = reply(llm);
  EXPECT_EQ(got.text, "Hello there!");
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(AnthropicErrorsTest, BodyEndingBeforeTheStopIsAnError) {
  auto script = FakeAnthropicReply::text({"one", " two"});
  script.end_after = 2;
  fake_.enqueue(script);
  const auto message = failure(config());
  EXPECT_EQ(last_.text, "one two");
  EXPECT_TRUE(contains(message, "ended before the reply was finished")) << message;
}

TEST_F(AnthropicErrorsTest, MalformedEventIsAClearError) {
  auto script = FakeAnthropicReply::text({"one", " two"});
  script.malformed_after = 1;
  fake_.enqueue(script);
  const auto message = failure(config());
  EXPECT_EQ(last_.text, "one");
  EXPECT_TRUE(contains(message, "anthropic: malformed stream chunk: not JSON")) << message;
}

TEST_F(AnthropicErrorsTest, ErrorEventMidStream) {
  auto script = FakeAnthropicReply::text({"one", " two"});
  script.error_after = 1;
  fake_.enqueue(script);
  const auto message = failure(config());
  EXPECT_EQ(message, "anthropic: error in the stream: Overloaded (overloaded_error) (retryable)");
  ASSERT_EQ(last_.usages.size(), 1u) << "the prompt was billed";
  EXPECT_EQ(last_.usages[0].input_tokens, 25);
}

TEST_F(AnthropicErrorsTest, FirstTokenTimeoutDespiteMessageStartAndPings) {
  auto script = FakeAnthropicReply::text({"late"});
  script.time_to_first_token = std::chrono::seconds(5);
  fake_.enqueue(script);
  auto settings = config();
  settings.first_token_timeout = milliseconds(100);
  const auto message = failure(settings);
  EXPECT_EQ(message, "anthropic: timed out: no first token within 100 ms (retryable)");
  EXPECT_TRUE(last_.deltas.empty());
}

TEST_F(AnthropicErrorsTest, NothingListeningIsARetryableConnectError) {
  auto settings = config();
  settings.base_url = "http://127.0.0.1:1";
  EXPECT_TRUE(contains(failure(settings), "anthropic: cannot connect")) << last_.error();
}

}  // namespace
}  // namespace patter::providers
