// OpenAI Realtime configuration: validation, the URL and headers of each API, the session's audio
// format, the failure messages, and the public factory.

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include <patter/realtime.hpp>

#include "core/error.hpp"
#include "providers/realtime/openai_realtime_config.hpp"
#include "providers/realtime/openai_realtime_engine.hpp"
#include "providers/realtime/openai_realtime_failure.hpp"

namespace patter::providers {
namespace {

OpenAiRealtimeConfig valid() {
  OpenAiRealtimeConfig config;
  config.api_key = "sk-test-1234567";
  return config;
}

void expect_invalid(const OpenAiRealtimeConfig& config, std::string_view mentions) {
  try {
    validate(config);
    ADD_FAILURE() << "accepted; expected an error mentioning " << mentions;
  } catch (const core::Error& error) {
    EXPECT_NE(std::string(error.what()).find(mentions), std::string::npos) << error.what();
  }
}

TEST(OpenAiRealtimeConfig, RefusesWhatTheServiceCannotUse) {
  EXPECT_NO_THROW(validate(valid()));
  auto config = valid();
  config.api_key.clear();
  expect_invalid(config, "OPENAI_API_KEY");
  config = valid();
  config.base_url = "https://api.openai.com/v1/realtime";
  expect_invalid(config, "wss://");
  config = valid();
  config.base_url = "not a url";
  expect_invalid(config, "base_url");
  config = valid();
  config.eagerness = "eager";
  expect_invalid(config, "eagerness");
  config = valid();
  config.vad_threshold = 1.5;
  expect_invalid(config, "vad_threshold");
  config = valid();
  config.silence_duration_ms = -1;
  expect_invalid(config, "silence_duration_ms");
  config = valid();
  config.api = OpenAiRealtimeApi::ga;
  config.temperature = 0.8;
  expect_invalid(config, "temperature");
  config = valid();
  config.max_output_tokens = 0;
  expect_invalid(config, "max_output_tokens");
  config = valid();
  config.session_ready_timeout = std::chrono::milliseconds(0);
  expect_invalid(config, "session_ready_timeout");
}

TEST(OpenAiRealtimeConfig, BetaSendsTheBetaHeaderAndGaDoesNot) {
  auto config = valid();
  EXPECT_EQ(realtime_query(config), (net::QueryParams{{"model", "gpt-realtime-mini"}}));
  EXPECT_EQ(realtime_headers(config),
            (net::HeaderList{{"Authorization", "Bearer sk-test-1234567"}, {"OpenAI-Beta", "realtime=v1"}}));
  config.api = OpenAiRealtimeApi::ga;
  EXPECT_EQ(realtime_headers(config), (net::HeaderList{{"Authorization", "Bearer sk-test-1234567"}}));
}

TEST(OpenAiRealtimeConfig, CarrierAudioPassesThroughUnlessGaTranscodes) {
  auto config = valid();
  EXPECT_EQ(session_audio_format(config, kTelephonyMulaw), kTelephonyMulaw);
  EXPECT_EQ(session_audio_format(config, kTelephonyAlaw), kTelephonyAlaw);
  EXPECT_EQ(session_audio_format(config, kPcm16k), kRealtimePcm);
  config.api = OpenAiRealtimeApi::ga;
  EXPECT_EQ(session_audio_format(config, kTelephonyMulaw), kTelephonyMulaw);
  config.ga_transcode = true;
  EXPECT_EQ(session_audio_format(config, kTelephonyMulaw), kRealtimePcm);
}

TEST(OpenAiRealtimeFailure, MessagesNameTheCauseAndNeverTheKey) {
  const auto refused = handshake_failure(
      401, R"({"error":{"message":"Incorrect API key provided: sk-abc","code":"invalid_api_key"}})");
  EXPECT_NE(refused.find("OPENAI_API_KEY"), std::string::npos) << refused;
  EXPECT_NE(refused.find("HTTP 401"), std::string::npos) << refused;
  EXPECT_NE(refused.find("Incorrect API key"), std::string::npos) << refused;
  EXPECT_NE(handshake_failure(403, "").find("OPENAI_API_KEY"), std::string::npos);
  EXPECT_NE(handshake_failure(429, "").find("rate limited"), std::string::npos);
  EXPECT_NE(handshake_failure(404, "").find("model"), std::string::npos);
  EXPECT_NE(dropped_failure(1006, "").find("1006"), std::string::npos);
  EXPECT_NE(ready_timeout_failure(5000).find("5000 ms"), std::string::npos);
  EXPECT_EQ(server_error_message("invalid_value", "Bad voice"), "openai_realtime: Bad voice (invalid_value)");
}

TEST(OpenAiRealtimeFactory, TakesTheKeyFromTheEnvironmentAndPicksTheModelPerApi) {
  ::setenv("OPENAI_API_KEY", "sk-from-env-123456", 1);
  const auto beta = realtime::openai({});
  EXPECT_EQ(beta->name(), "openai_realtime");
  EXPECT_EQ(beta->model(), "gpt-realtime-mini");
  realtime::OpenAiRealtimeOptions ga;
  ga.api = realtime::OpenAiRealtimeApi::ga;
  EXPECT_EQ(realtime::openai(ga)->model(), "gpt-realtime");
  const auto& config = dynamic_cast<const OpenAiRealtimeEngine&>(*beta).config();
  EXPECT_EQ(config.api_key, "sk-from-env-123456");
  EXPECT_EQ(config.base_url, "wss://api.openai.com/v1/realtime");
  ::unsetenv("OPENAI_API_KEY");
  try {
    (void)realtime::openai({});
    FAIL() << "no error without a key";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("OPENAI_API_KEY"), std::string::npos);
  }
  realtime::OpenAiRealtimeOptions bad;
  bad.api_key = "sk-test-1234567";
  bad.eagerness = "sometimes";
  EXPECT_THROW((void)realtime::openai(bad), std::invalid_argument);
}

}  // namespace
}  // namespace patter::providers
