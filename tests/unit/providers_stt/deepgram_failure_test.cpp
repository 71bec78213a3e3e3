#include "providers/stt/deepgram_failure.hpp"

#include <gtest/gtest.h>

namespace patter::providers {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(DeepgramFailure, HandshakeStatuses) {
  const auto auth = failure_from_handshake(
      401, R"({"err_code":"INVALID_AUTH","err_msg":"Invalid credentials.","request_id":"r"})");
  EXPECT_EQ(auth.code, core::Errc::upstream_auth);
  EXPECT_FALSE(auth.retryable);
  EXPECT_TRUE(contains(auth.message, "DEEPGRAM_API_KEY")) << auth.message;
  EXPECT_TRUE(contains(auth.message, "Invalid credentials. (INVALID_AUTH)")) << auth.message;

  const auto limited = failure_from_handshake(429, "");
  EXPECT_EQ(limited.code, core::Errc::rate_limited);
  EXPECT_TRUE(limited.retryable);
  EXPECT_TRUE(contains(limited.message, "rate limited (HTTP 429)")) << limited.message;

  EXPECT_TRUE(failure_from_handshake(503, "<html>").retryable);
  EXPECT_FALSE(failure_from_handshake(400, R"({"err_msg":"bad encoding"})").retryable);
  EXPECT_TRUE(contains(failure_from_handshake(400, R"({"err_msg":"bad encoding"})").message,
                       "bad encoding"));
}

TEST(DeepgramFailure, CloseCodes) {
  EXPECT_TRUE(failure_from_close(1011, "NET-0001").retryable);
  EXPECT_TRUE(failure_from_close(1006, "").retryable);
  const auto bad_audio = failure_from_close(1008, "DATA-0000");
  EXPECT_FALSE(bad_audio.retryable);
  EXPECT_TRUE(contains(bad_audio.message, "1008 DATA-0000")) << bad_audio.message;
}

}  // namespace
}  // namespace patter::providers
