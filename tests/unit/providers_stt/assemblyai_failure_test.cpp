// How AssemblyAI failures are classified: what names the key, what is rate limiting, what is
// retried, and the mapping of padded stream offsets back to the call's audio.

#include <gtest/gtest.h>

#include "core/log.hpp"
#include "providers/stt/assemblyai_failure.hpp"
#include "providers/stt/assemblyai_stream_offsets.hpp"

namespace patter::providers {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(AssemblyAiFailure, RefusedHandshakes) {
  core::register_secret("aai-secret-key-123");
  const auto denied =
      assemblyai_handshake_failure(401, R"({"error":"Invalid API key aai-secret-key-123"})");
  EXPECT_EQ(denied.code, core::Errc::upstream_auth);
  EXPECT_FALSE(denied.retryable);
  EXPECT_TRUE(contains(denied.message, "ASSEMBLYAI_API_KEY")) << denied.message;
  EXPECT_TRUE(contains(denied.message, "Invalid API key")) << denied.message;
  EXPECT_FALSE(contains(denied.message, "aai-secret-key-123")) << denied.message;
  EXPECT_EQ(assemblyai_handshake_failure(403, "").code, core::Errc::upstream_auth);
  const auto limited = assemblyai_handshake_failure(429, "");
  EXPECT_EQ(limited.code, core::Errc::rate_limited);
  EXPECT_TRUE(limited.retryable);
  EXPECT_TRUE(assemblyai_handshake_failure(503, "<html>").retryable);
  EXPECT_TRUE(assemblyai_handshake_failure(408, "").retryable);
  EXPECT_FALSE(assemblyai_handshake_failure(400, R"({"error":"bad sample_rate"})").retryable);
}

TEST(AssemblyAiFailure, ServerCloses) {
  const auto unauthorized =
      assemblyai_close_failure(1008, "Unauthorized Connection: Missing Authorization header");
  EXPECT_EQ(unauthorized.code, core::Errc::upstream_auth);
  EXPECT_FALSE(unauthorized.retryable);
  EXPECT_TRUE(contains(unauthorized.message, "ASSEMBLYAI_API_KEY")) << unauthorized.message;
  const auto crowded =
      assemblyai_close_failure(1008, "Unauthorized Connection: Too many concurrent sessions");
  EXPECT_EQ(crowded.code, core::Errc::rate_limited);
  EXPECT_TRUE(crowded.retryable);
  EXPECT_EQ(assemblyai_close_failure(3009, "").code, core::Errc::rate_limited);
  EXPECT_TRUE(assemblyai_close_failure(3005, "Session Cancelled").retryable);
  EXPECT_TRUE(assemblyai_close_failure(3008, "Session Expired").retryable);
  EXPECT_TRUE(assemblyai_close_failure(1006, "").retryable);
  EXPECT_TRUE(assemblyai_close_failure(1000, "").retryable);
  const auto refused = assemblyai_close_failure(3006, "Invalid Message Type: x");
  EXPECT_FALSE(refused.retryable);
  EXPECT_EQ(refused.message, "assemblyai: the stream was closed (3006 Invalid Message Type: x)");
  EXPECT_FALSE(assemblyai_close_failure(3007, "Input duration violation").retryable);
}

TEST(AssemblyAiStreamOffsets, PaddingIsNotCallAudio) {
  AssemblyAiStreamOffsets offsets;
  offsets.restart(1000);
  offsets.add_audio(400);
  offsets.add_audio(160);
  offsets.add_padding(240);  // stream bytes 560..800 are silence the call never had
  offsets.add_audio(800);
  EXPECT_EQ(offsets.call_offset(0), 1000U);
  EXPECT_EQ(offsets.call_offset(560), 1560U);
  EXPECT_EQ(offsets.call_offset(700), 1560U);
  EXPECT_EQ(offsets.call_offset(800), 1560U);
  EXPECT_EQ(offsets.call_offset(1000), 1760U);
  offsets.forget_before(900);
  EXPECT_EQ(offsets.call_offset(1000), 1760U);
  offsets.restart(5000);
  EXPECT_EQ(offsets.call_offset(100), 5100U);
}

}  // namespace
}  // namespace patter::providers
