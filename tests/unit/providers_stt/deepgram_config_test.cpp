#include "providers/stt/deepgram_config.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace patter::providers {
namespace {

DeepgramConfig keyed() {
  DeepgramConfig config;
  config.api_key = "dg-key";
  return config;
}

core::Errc error_code(const DeepgramConfig& config) {
  try {
    validate(config);
  } catch (const core::Error& error) {
    return error.code();
  }
  return core::Errc::internal;
}

TEST(DeepgramConfig, TheDefaultQueryAsksForMulaw8000AndTurnTaking) {
  const auto query = listen_query(keyed(), "en-US");
  const net::QueryParams expected = {{"model", "nova-3"},    {"language", "en-US"},
                                     {"encoding", "mulaw"},  {"sample_rate", "8000"},
                                     {"channels", "1"},      {"interim_results", "true"},
                                     {"endpointing", "150"}, {"utterance_end_ms", "1000"},
                                     {"vad_events", "true"}, {"smart_format", "true"},
                                     {"punctuate", "true"},  {"no_delay", "true"}};
  EXPECT_EQ(query, expected);
}

TEST(DeepgramConfig, OptionsShapeTheQuery) {
  auto config = keyed();
  config.language = "it";
  config.endpointing_ms.reset();
  config.utterance_end_ms.reset();
  config.interim_results = false;
  config.smart_format = false;
  config.no_delay = false;
  config.input_format = kPcm16k;
  config.keyterms = {"Patter", "Trattoria"};
  config.extra_query = {{"numerals", "true"}};
  const auto query = listen_query(config, "en");
  const net::QueryParams expected = {
      {"model", "nova-3"},      {"language", "it"},     {"encoding", "linear16"},
      {"sample_rate", "16000"}, {"channels", "1"},      {"interim_results", "false"},
      {"endpointing", "false"}, {"vad_events", "true"}, {"smart_format", "false"},
      {"punctuate", "true"},    {"keyterm", "Patter"},  {"keyterm", "Trattoria"},
      {"numerals", "true"}};
  EXPECT_EQ(query, expected);
}

TEST(DeepgramConfig, BaseUrlsMayBeHttps) {
  auto config = keyed();
  config.base_url = "https://proxy.example.com/v1/listen";
  EXPECT_EQ(listen_url(config), "wss://proxy.example.com/v1/listen");
  EXPECT_NO_THROW(validate(config));
}

TEST(DeepgramConfig, ValidationNamesTheProblem) {
  try {
    validate(DeepgramConfig{});
    FAIL() << "no error without a key";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::missing_credential);
    EXPECT_NE(std::string(error.what()).find("DEEPGRAM_API_KEY"), std::string::npos);
  }
  auto config = keyed();
  config.base_url = "ftp://example.com";
  EXPECT_EQ(error_code(config), core::Errc::config_invalid);
  config = keyed();
  config.utterance_end_ms = 500;
  EXPECT_EQ(error_code(config), core::Errc::config_invalid);
  config = keyed();
  config.interim_results = false;
  EXPECT_EQ(error_code(config), core::Errc::config_invalid);  // utterance_end_ms needs interims
  config = keyed();
  config.input_format = {Encoding::pcm16_be, 8000};
  EXPECT_EQ(error_code(config), core::Errc::config_invalid);
  config = keyed();
  config.model.clear();
  EXPECT_EQ(error_code(config), core::Errc::config_invalid);
}

}  // namespace
}  // namespace patter::providers
