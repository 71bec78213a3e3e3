// The AssemblyAI stream's query, the checks on its settings, and the public factory.

#include <gtest/gtest.h>

#include <patter/stt.hpp>

#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "providers/stt/assemblyai_config.hpp"
#include "providers/stt/assemblyai_stt.hpp"

namespace patter::providers {
namespace {

AssemblyAiConfig keyed() {
  AssemblyAiConfig config;
  config.api_key = "aai-key";
  return config;
}

core::Error error_of(const AssemblyAiConfig& config) {
  try {
    validate(config);
  } catch (const core::Error& error) {
    return error;
  }
  ADD_FAILURE() << "no error";
  return core::Error(core::Errc::internal, "");
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(AssemblyAiConfig, TheQueryAsksForTheCarrierAudioAndTheTurnSettings) {
  const auto config = keyed();
  EXPECT_NO_THROW(validate(config));
  EXPECT_EQ(streaming_url(config), "wss://streaming.assemblyai.com/v3/ws");
  const net::QueryParams expected = {{"speech_model", "universal-streaming-english"},
                                     {"encoding", "pcm_mulaw"},
                                     {"sample_rate", "8000"},
                                     {"format_turns", "false"},
                                     {"end_of_turn_confidence_threshold", "0.4"},
                                     {"min_turn_silence", "400"},
                                     {"max_turn_silence", "1280"}};
  EXPECT_EQ(streaming_query(config), expected);
}

TEST(AssemblyAiConfig, Pcm16KeytermsAndExtraParameters) {
  auto config = keyed();
  config.base_url = "https://streaming.eu.assemblyai.com/v3/ws";
  config.input_format = kPcm16k;
  config.format_turns = true;
  config.speech_model = "universal-streaming-multilingual";
  config.keyterms = {"Patter", "Trattoria \"Da Mario\""};
  config.extra_query = {{"inactivity_timeout", "30"}};
  EXPECT_EQ(streaming_url(config), "wss://streaming.eu.assemblyai.com/v3/ws");
  const auto query = streaming_query(config);
  const auto value = [&query](std::string_view name) {
    for (const auto& [key, found] : query) {
      if (key == name) return found;
    }
    return std::string("(missing)");
  };
  EXPECT_EQ(value("speech_model"), "universal-streaming-multilingual");
  EXPECT_EQ(value("encoding"), "pcm_s16le");
  EXPECT_EQ(value("sample_rate"), "16000");
  EXPECT_EQ(value("format_turns"), "true");
  EXPECT_EQ(value("keyterms_prompt"), R"(["Patter","Trattoria \"Da Mario\""])");
  EXPECT_EQ(value("inactivity_timeout"), "30");
}

TEST(AssemblyAiConfig, AMissingKeyNamesTheVariable) {
  const auto error = error_of(AssemblyAiConfig{});
  EXPECT_EQ(error.code(), core::Errc::missing_credential);
  EXPECT_TRUE(contains(error.what(), "ASSEMBLYAI_API_KEY")) << error.what();
}

TEST(AssemblyAiConfig, BadSettingsNameTheProblem) {
  auto config = keyed();
  config.base_url = "ftp://example.com/v3/ws";
  EXPECT_TRUE(contains(error_of(config).what(), "base_url"));
  config = keyed();
  config.speech_model.clear();
  EXPECT_TRUE(contains(error_of(config).what(), "speech_model"));
  config = keyed();
  config.input_format = kTelephonyAlaw;
  EXPECT_TRUE(contains(error_of(config).what(), "not one AssemblyAI accepts"));
  config = keyed();
  config.end_of_turn_confidence_threshold = 1.5;
  EXPECT_TRUE(contains(error_of(config).what(), "between 0 and 1"));
  config = keyed();
  config.chunk = std::chrono::milliseconds(20);
  EXPECT_TRUE(contains(error_of(config).what(), "50..1000 ms"));
  config = keyed();
  config.max_turn_silence_ms = 100;
  EXPECT_TRUE(contains(error_of(config).what(), "max_turn_silence_ms"));
  config = keyed();
  config.final_wait = std::chrono::milliseconds(0);
  EXPECT_TRUE(contains(error_of(config).what(), "timings"));
  EXPECT_EQ(error_of(config).code(), core::Errc::config_invalid);
}

TEST(AssemblyAiFactory, MapsTheOptions) {
  stt::AssemblyAiOptions options;
  options.api_key = "aai-public-key";
  options.speech_model = "universal-streaming-multilingual";
  options.format_turns = true;
  options.min_turn_silence_ms = 160;
  options.max_turn_silence_ms = 2400;
  options.end_of_turn_confidence_threshold = 0.7;
  options.keyterms = {"paella"};
  options.chunk = std::chrono::milliseconds(100);
  const auto provider = stt::assemblyai(options);
  EXPECT_EQ(provider->name(), "assemblyai");
  EXPECT_EQ(provider->model(), "universal-streaming-multilingual");
  EXPECT_EQ(provider->input_format(), kTelephonyMulaw);
  const auto& config = dynamic_cast<const AssemblyAiStt&>(*provider).config();
  EXPECT_EQ(config.base_url, "wss://streaming.assemblyai.com/v3/ws");
  EXPECT_TRUE(config.format_turns);
  EXPECT_EQ(config.min_turn_silence_ms, 160);
  EXPECT_EQ(config.max_turn_silence_ms, 2400);
  EXPECT_DOUBLE_EQ(config.end_of_turn_confidence_threshold, 0.7);
  EXPECT_EQ(config.keyterms, std::vector<std::string>{"paella"});
  EXPECT_EQ(config.chunk, std::chrono::milliseconds(100));
}

TEST(AssemblyAiFactory, ProblemsAreInvalidArguments) {
  stt::AssemblyAiOptions options;
  options.api_key = "aai-public-key";
  options.chunk = std::chrono::milliseconds(2000);
  try {
    (void)stt::assemblyai(options);
    FAIL() << "no error for a 2 s chunk";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "chunk")) << error.what();
  }
}

}  // namespace
}  // namespace patter::providers
