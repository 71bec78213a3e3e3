#include "providers/llm/chat_failure.hpp"

#include <gtest/gtest.h>

namespace patter::providers {
namespace {

using std::chrono::milliseconds;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const core::WallTime kNow{std::chrono::seconds(1'700'000'000)};

TEST(ChatFailure, AuthenticationNamesTheVariable) {
  const auto failure = failure_from_status(
      config_for(groq_preset()), 401, {},
      R"({"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}})",
      kNow);
  EXPECT_EQ(failure.code, core::Errc::upstream_auth);
  EXPECT_FALSE(failure.retryable);
  EXPECT_EQ(failure.message,
            "groq: authentication failed (HTTP 401: Invalid API Key (invalid_api_key)); check "
            "GROQ_API_KEY");
}

TEST(ChatFailure, ForbiddenIsAuthenticationToo) {
  EXPECT_EQ(failure_from_status(config_for(openai_preset()), 403, {}, "", kNow).code,
            core::Errc::upstream_auth);
}

TEST(ChatFailure, RateLimitCarriesRetryAfter) {
  const auto failure = failure_from_status(
      config_for(openai_preset()), 429, {{"Retry-After", "7"}},
      R"({"error":{"message":"Slow down","code":"rate_limit_exceeded"}})", kNow);
  EXPECT_EQ(failure.code, core::Errc::rate_limited);
  EXPECT_TRUE(failure.retryable);
  EXPECT_EQ(failure.retry_after, milliseconds(7000));
  EXPECT_TRUE(contains(failure.message, "retry after 7 seconds")) << failure.message;
}

TEST(ChatFailure, RetryAfterMsWins) {
  const auto failure =
      failure_from_status(config_for(openai_preset()), 429,
                          {{"retry-after-ms", "250"}, {"retry-after", "1"}}, "", kNow);
  EXPECT_EQ(failure.retry_after, milliseconds(250));
}

TEST(ChatFailure, ServerErrorsAreRetryable) {
  for (const int status : {408, 500, 502, 503, 504}) {
    const auto failure =
        failure_from_status(config_for(openai_preset()), status, {}, "<html>busy</html>", kNow);
    EXPECT_TRUE(failure.retryable) << status;
    EXPECT_TRUE(contains(failure.message, "(retryable)")) << failure.message;
  }
}

TEST(ChatFailure, ClientErrorsAreFinal) {
  const auto failure = failure_from_status(
      config_for(openai_preset()), 400, {},
      R"({"error":{"message":"Bad messages","type":"invalid_request_error"}})", kNow);
  EXPECT_FALSE(failure.retryable);
  EXPECT_EQ(failure.message,
            "openai: request rejected (HTTP 400: Bad messages (invalid_request_error))");
}

TEST(ChatFailure, NotFoundNamesTheModel) {
  auto config = config_for(cerebras_preset());
  const auto failure =
      failure_from_status(config, 404, {}, R"({"message":"no","code":"model_not_found"})", kNow);
  EXPECT_TRUE(contains(failure.message, "gpt-oss-120b")) << failure.message;
}

TEST(ChatFailure, EchoedKeysAreRedacted) {
  auto config = config_for(openai_preset());
  const auto failure = failure_from_status(
      config, 401, {},
      R"({"error":{"message":"Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz123456"}})",
      kNow);
  EXPECT_FALSE(contains(failure.message, "abcdefghijklmnop")) << failure.message;
}

TEST(ChatFailure, TransportFailures) {
  const auto config = config_for(openai_preset());
  EXPECT_TRUE(
      failure_from_client_error(config, net::ClientError(net::ClientErrorKind::connect_failed, "x"))
          .retryable);
  EXPECT_EQ(
      failure_from_client_error(config, net::ClientError(net::ClientErrorKind::total_timeout, "x"))
          .code,
      core::Errc::timeout);
  EXPECT_FALSE(
      failure_from_client_error(config, net::ClientError(net::ClientErrorKind::tls_failed, "x"))
          .retryable);
}

}  // namespace
}  // namespace patter::providers
