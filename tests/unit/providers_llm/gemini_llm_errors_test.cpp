// Failures of the Gemini client against the fake: a wrong or missing key, 429 with RetryInfo,
// 5xx, unknown models, retries before output, timeouts, dropped and malformed streams. Each ends
// in exactly one on_error and never in on_done.

#include "fakes/fake_gemini.hpp"
#include "llm_test_support.hpp"
#include "providers/llm/gemini_llm.hpp"

namespace patter::providers {
namespace {

using fakes::FakeGemini;
using fakes::FakeGeminiReply;
using std::chrono::milliseconds;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class GeminiErrorsTest : public testing::ChatClientTest {
 protected:
  [[nodiscard]] ChatConfig config() const { return aimed_at(fake_, gemini_config()); }

  // Streams one reply that must fail, and returns its single error message.
  std::string failure(const ChatConfig& settings) {
    GeminiLlm llm(settings);
    last_ = reply(llm);
    EXPECT_FALSE(last_.done.has_value());
    EXPECT_EQ(last_.errors.size(), 1u);
    EXPECT_EQ(last_.order.empty() ? "" : last_.order.back(), "error");
    return last_.error();
  }

  FakeGemini fake_;
  testing::Recorder last_;
};

TEST_F(GeminiErrorsTest, WrongKeyIsAnAuthenticationErrorNamingTheVariable) {
  auto settings = config();
  settings.api_key = "AIzaWrongKey000000000000000000";
  settings.max_attempts = 3;
  const auto message = failure(settings);
  EXPECT_EQ(message,
            "gemini: authentication failed (HTTP 400: API key not valid. Please pass a valid API "
            "key. (INVALID_ARGUMENT)); check GEMINI_API_KEY");
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(GeminiErrorsTest, MissingKeyIsForbidden) {
  fake_.enqueue(FakeGeminiReply::http_error(403, "PERMISSION_DENIED", "Method doesn't allow it"));
  EXPECT_TRUE(contains(failure(config()), "gemini: authentication failed (HTTP 403"));
}

TEST_F(GeminiErrorsTest, LongRateLimitFromRetryInfoIsNotRetried) {
  fake_.enqueue(FakeGeminiReply::rate_limited(37));
  auto settings = config();
  settings.max_attempts = 3;
  const auto message = failure(settings);
  EXPECT_TRUE(contains(message, "rate limited (HTTP 429: You exceeded your current quota"))
      << message;
  EXPECT_TRUE(contains(message, "(RESOURCE_EXHAUSTED)")) << message;
  EXPECT_TRUE(contains(message, "retry after 37 seconds")) << message;
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(GeminiErrorsTest, ShortRateLimitIsRetried) {
  fake_.enqueue(FakeGeminiReply::rate_limited(0));
  auto settings = config();
  settings.max_attempts = 2;
  GeminiLlm llm(settings);
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(GeminiErrorsTest, UnavailableIsRetriedThenReported) {
  fake_.enqueue(FakeGeminiReply::server_error(503));
  fake_.enqueue(FakeGeminiReply::server_error(500));
  auto settings = config();
  settings.max_attempts = 2;
  settings.max_retry_wait = milliseconds(50);
  const auto message = failure(settings);
  EXPECT_TRUE(contains(message, "gemini: server error (HTTP 500: The model is overloaded"))
      << message;
  EXPECT_TRUE(contains(message, "(retryable)")) << message;
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(GeminiErrorsTest, UnknownModelIsNotFound) {
  auto settings = config();
  settings.model = "gemini-0.1-nope";
  const auto message = failure(settings);
  EXPECT_TRUE(contains(message, "gemini: not found (HTTP 404")) << message;
  EXPECT_TRUE(contains(message, "gemini-0.1-nope")) << message;
}

TEST_F(GeminiErrorsTest, DisconnectMidStreamAfterSomeText) {
  auto script = FakeGeminiReply::text({"one", " two", " three"});
  script.disconnect_after = 2;
  fake_.enqueue(script);
  auto settings = config();
  settings.max_attempts = 3;
  const auto message = failure(settings);
  EXPECT_EQ(last_.text, "one two");
  EXPECT_TRUE(contains(message, "connection lost")) << message;
  EXPECT_EQ(fake_.requests().size(), 1u) << "output was delivered: no retry";
}

TEST_F(GeminiErrorsTest, BodyEndingWithoutAFinishReasonIsAnError) {
  auto script = FakeGeminiReply::text({"one", " two"});
  script.end_after = 1;
  fake_.enqueue(script);
  const auto message = failure(config());
  EXPECT_EQ(last_.text, "one");
  EXPECT_TRUE(contains(message, "ended before the reply was finished")) << message;
}

TEST_F(GeminiErrorsTest, MalformedEventIsAClearError) {
  auto script = FakeGeminiReply::text({"one", " two"});
  script.malformed_after = 1;
  fake_.enqueue(script);
  const auto message = failure(config());
  EXPECT_TRUE(contains(message, "gemini: malformed stream chunk: not JSON")) << message;
}

TEST_F(GeminiErrorsTest, ErrorObjectMidStream) {
  auto script = FakeGeminiReply::text({"one", " two"});
  script.error_after = 1;
  fake_.enqueue(script);
  const auto message = failure(config());
  EXPECT_EQ(message,
            "gemini: error in the stream: An internal error has occurred. (INTERNAL) (retryable)");
}

TEST_F(GeminiErrorsTest, FirstTokenTimeout) {
  auto script = FakeGeminiReply::text({"late"});
  script.time_to_first_token = std::chrono::seconds(5);
  fake_.enqueue(script);
  auto settings = config();
  settings.first_token_timeout = milliseconds(100);
  EXPECT_EQ(failure(settings), "gemini: timed out: no first token within 100 ms (retryable)");
}

}  // namespace
}  // namespace patter::providers
