// The pieces of the ElevenLabs clients that need no network: voices, configuration, requests,
// stream-input messages and failures.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "core/error.hpp"
#include "providers/tts/elevenlabs_config.hpp"
#include "providers/tts/elevenlabs_failure.hpp"
#include "providers/tts/elevenlabs_requests.hpp"
#include "providers/tts/elevenlabs_voices.hpp"
#include "providers/tts/stream_input_message.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

ElevenLabsConfig valid_config() {
  ElevenLabsConfig config;
  config.api_key = "sk_test_key_0123456789";
  return config;
}

TEST(ElevenLabsVoices, NamesMapToIdsIgnoringCase) {
  EXPECT_EQ(elevenlabs_voice_id("rachel"), "21m00Tcm4TlvDq8ikWAM");
  EXPECT_EQ(elevenlabs_voice_id("Rachel"), "21m00Tcm4TlvDq8ikWAM");
  EXPECT_EQ(elevenlabs_voice_id("SARAH"), "EXAVITQu4vr4xnSDxMaL");
  EXPECT_EQ(elevenlabs_voice_id("bella"), "EXAVITQu4vr4xnSDxMaL");
  EXPECT_EQ(elevenlabs_voice_id("adam"), "pNInz6obpgDQGcFmaJgB");
}

TEST(ElevenLabsVoices, IdsPassThroughAndAnythingElseIsRejected) {
  EXPECT_EQ(elevenlabs_voice_id("AbCdEfGhIj0123456789"), "AbCdEfGhIj0123456789");
  try {
    (void)elevenlabs_voice_id("nobody-at-all");
    FAIL() << "no error";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::config_invalid);
    EXPECT_TRUE(contains(error.what(), "unknown voice \"nobody-at-all\"")) << error.what();
  }
}

TEST(ElevenLabsConfigCheck, AcceptsTheDefaultsAndNamesWhatIsWrong) {
  EXPECT_NO_THROW(validate(valid_config()));
  auto no_key = valid_config();
  no_key.api_key.clear();
  try {
    validate(no_key);
    FAIL() << "no error";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::missing_credential);
    EXPECT_TRUE(contains(error.what(), "ELEVENLABS_API_KEY")) << error.what();
  }
  auto mp3 = valid_config();
  mp3.output_format = "mp3_44100_128";
  EXPECT_THROW(validate(mp3), core::Error);
  auto url = valid_config();
  url.base_url = "ftp://api.elevenlabs.io";
  EXPECT_THROW(validate(url), core::Error);
  auto speed = valid_config();
  speed.voice_settings.speed = 2.0;
  EXPECT_THROW(validate(speed), core::Error);
  auto v3 = valid_config();
  v3.transport = ElevenLabsTransport::websocket;
  v3.model = "eleven_v3";
  EXPECT_THROW(validate(v3), core::Error);
}

TEST(ElevenLabsConfigCheck, OutputFormatsAndNames) {
  EXPECT_EQ(elevenlabs_audio_format("ulaw_8000"), kTelephonyMulaw);
  EXPECT_EQ(elevenlabs_audio_format("pcm_24000"), (AudioFormat{Encoding::pcm16_le, 24000}));
  EXPECT_FALSE(elevenlabs_audio_format("mp3_22050_32"));
  EXPECT_EQ(elevenlabs_provider_name(ElevenLabsTransport::http), "elevenlabs");
  EXPECT_EQ(elevenlabs_provider_name(ElevenLabsTransport::websocket), "elevenlabs_ws");
}

TEST(ElevenLabsRequests, HttpUrlAndBody) {
  auto config = valid_config();
  config.base_url = "https://api.elevenlabs.io/";
  EXPECT_EQ(http_stream_url(config),
            "https://api.elevenlabs.io/v1/text-to-speech/EXAVITQu4vr4xnSDxMaL/stream"
            "?output_format=ulaw_8000");
  config.optimize_streaming_latency = 4;
  config.enable_logging = false;
  EXPECT_EQ(http_stream_url(config),
            "https://api.elevenlabs.io/v1/text-to-speech/EXAVITQu4vr4xnSDxMaL/stream"
            "?output_format=ulaw_8000&optimize_streaming_latency=4&enable_logging=false");
  EXPECT_EQ(json::parse(http_stream_body(config, "Hi \"you\"")),
            json::parse(R"({"text":"Hi \"you\"","model_id":"eleven_flash_v2_5"})"));
}

TEST(ElevenLabsRequests, StreamInputUrlAndMessages) {
  auto config = valid_config();
  EXPECT_EQ(stream_input_url(config),
            "wss://api.elevenlabs.io/v1/text-to-speech/EXAVITQu4vr4xnSDxMaL/stream-input");
  config.base_url = "http://127.0.0.1:9000";
  EXPECT_EQ(stream_input_url(config),
            "ws://127.0.0.1:9000/v1/text-to-speech/EXAVITQu4vr4xnSDxMaL/stream-input");
  const auto query = stream_input_query(config);
  EXPECT_EQ(query, (net::QueryParams{{"model_id", "eleven_flash_v2_5"},
                                     {"output_format", "ulaw_8000"},
                                     {"inactivity_timeout", "20"},
                                     {"auto_mode", "true"}}));
  EXPECT_EQ(json::parse(stream_input_start(config)), json::parse(R"({"text":" "})"));
  config.voice_settings.speed = 1.1;
  EXPECT_EQ(json::parse(stream_input_start(config)),
            json::parse(R"({"text":" ","voice_settings":{"speed":1.1}})"));
  EXPECT_EQ(json::parse(stream_input_text("Hello.")),
            json::parse(R"({"text":"Hello. ","flush":true})"));
  EXPECT_EQ(json::parse(stream_input_text("Hello. ")),
            json::parse(R"({"text":"Hello. ","flush":true})"));
  EXPECT_EQ(stream_input_end(), R"({"text":""})");
}

TEST(StreamInputMessages, AudioFinalAndErrors) {
  const auto audio = parse_stream_input_message(
      R"({"audio":"//79","isFinal":null,"normalizedAlignment":{"chars":["H"]},"alignment":null})");
  EXPECT_EQ(audio.audio, (std::vector<std::uint8_t>{0xFF, 0xFE, 0xFD}));
  EXPECT_FALSE(audio.is_final);
  const auto final = parse_stream_input_message(R"({"isFinal":true})");
  EXPECT_TRUE(final.is_final);
  EXPECT_TRUE(final.audio.empty());
  const auto empty_audio = parse_stream_input_message(R"({"audio":"","isFinal":true})");
  EXPECT_TRUE(empty_audio.is_final);
  const auto error = parse_stream_input_message(
      R"({"message":"Have not received a new text input","error":"input_timeout_exceeded","code":1008})");
  EXPECT_EQ(error.error, "input_timeout_exceeded");
  EXPECT_EQ(error.error_message, "Have not received a new text input");
}

TEST(StreamInputMessages, MalformedOnesAreRejected) {
  EXPECT_THROW((void)parse_stream_input_message("not json"), StreamInputFormatError);
  EXPECT_THROW((void)parse_stream_input_message("[1,2]"), StreamInputFormatError);
  EXPECT_THROW((void)parse_stream_input_message(R"({"audio":"abc"})"), StreamInputFormatError);
  EXPECT_THROW((void)parse_stream_input_message(R"({"audio":"ab c"})"), StreamInputFormatError);
  EXPECT_THROW((void)parse_stream_input_message(R"({"audio":5})"), StreamInputFormatError);
  EXPECT_THROW((void)parse_stream_input_message(R"({"isFinal":"yes"})"), StreamInputFormatError);
}

TEST(ElevenLabsFailures, StatusesAreClassified) {
  const auto config = valid_config();
  const auto now = std::chrono::system_clock::now();
  const auto auth = failure_from_status(
      config, 401, {}, R"({"detail":{"status":"invalid_api_key","message":"Invalid API key"}})",
      now);
  EXPECT_EQ(auth.code, core::Errc::upstream_auth);
  EXPECT_FALSE(auth.retryable);
  EXPECT_EQ(auth.message,
            "elevenlabs: authentication failed (HTTP 401: Invalid API key (invalid_api_key)); "
            "check ELEVENLABS_API_KEY");
  const auto limited = failure_from_status(config, 429, {{"Retry-After", "3"}}, "{}", now);
  EXPECT_EQ(limited.code, core::Errc::rate_limited);
  EXPECT_TRUE(limited.retryable);
  EXPECT_EQ(limited.retry_after, std::chrono::seconds(3));
  EXPECT_TRUE(contains(limited.message, "retry after 3 seconds")) << limited.message;
  const auto invalid = failure_from_status(
      config, 422, {}, R"({"detail":[{"loc":["body","text"],"msg":"Field required"}]})", now);
  EXPECT_FALSE(invalid.retryable);
  EXPECT_TRUE(contains(invalid.message, "request rejected (HTTP 422: Field required)"))
      << invalid.message;
  EXPECT_TRUE(failure_from_status(config, 503, {}, "", now).retryable);
  EXPECT_FALSE(failure_from_status(config, 402, {}, "", now).retryable);
}

TEST(ElevenLabsFailures, StreamErrorsAndEarlyCloses) {
  auto config = valid_config();
  config.transport = ElevenLabsTransport::websocket;
  const auto plan = stream_error(config, "payment_required", "Upgrade your plan");
  EXPECT_FALSE(plan.retryable);
  EXPECT_EQ(plan.message,
            "elevenlabs_ws: error in the stream: Upgrade your plan (payment_required)");
  EXPECT_TRUE(stream_error(config, "internal_error", "Oops").retryable);
  const auto policy = closed_early(config, 1008, "input_timeout_exceeded");
  EXPECT_FALSE(policy.retryable);
  EXPECT_TRUE(closed_early(config, 1006, "").retryable);
}

}  // namespace
}  // namespace patter::providers
