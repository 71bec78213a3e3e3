// The Cartesia speech-to-text client's parts as pure functions: config checks, the query, the
// server's messages and how failures are classified.

#include <gtest/gtest.h>

#include <variant>

#include "core/error.hpp"
#include "providers/stt/cartesia_stt_config.hpp"
#include "providers/stt/cartesia_stt_failure.hpp"
#include "providers/stt/cartesia_stt_messages.hpp"

namespace patter::providers {
namespace {

CartesiaSttConfig valid() {
  CartesiaSttConfig config;
  config.api_key = "sk_car_parts_key_123";
  return config;
}

std::string problem_with(const CartesiaSttConfig& config) {
  try {
    validate(config);
  } catch (const core::Error& error) {
    return error.what();
  }
  return {};
}

TEST(CartesiaSttConfig, RejectsWhatCartesiaWouldRefuse) {
  EXPECT_EQ(problem_with(valid()), "");
  auto config = valid();
  config.api_key.clear();
  EXPECT_NE(problem_with(config).find("CARTESIA_API_KEY"), std::string::npos);
  config = valid();
  config.base_url = "ftp://api.cartesia.ai/stt/websocket";
  EXPECT_NE(problem_with(config).find("base_url"), std::string::npos);
  config = valid();
  config.input_format = {Encoding::pcm16_be, 16000};
  EXPECT_NE(problem_with(config).find("input encoding"), std::string::npos);
  config = valid();
  config.min_volume = 1.5;
  EXPECT_NE(problem_with(config).find("min_volume"), std::string::npos);
  config = valid();
  config.max_silence_duration_secs = 0.0;
  EXPECT_NE(problem_with(config).find("max_silence_duration_secs"), std::string::npos);
  config = valid();
  config.version.clear();
  EXPECT_NE(problem_with(config).find("version"), std::string::npos);
}

TEST(CartesiaSttConfig, TheQueryNamesTheFormatAndTheOptionsSet) {
  auto config = valid();
  config.base_url = "https://stt.example.com/stt/websocket";
  config.min_volume = 0.15;
  config.max_silence_duration_secs = 0.4;
  config.extra_query = {{"custom", "1"}};
  EXPECT_EQ(cartesia_stt_url(config), "wss://stt.example.com/stt/websocket");
  const net::QueryParams expected{
      {"model", "ink-whisper"}, {"language", "fr"},     {"encoding", "pcm_s16le"},
      {"sample_rate", "16000"}, {"min_volume", "0.15"}, {"max_silence_duration_secs", "0.4"},
      {"custom", "1"}};
  EXPECT_EQ(cartesia_stt_query(config, "fr-CA"), expected);
  config.language = "de";
  EXPECT_EQ(cartesia_stt_query(config, "fr-CA").at(1).second, "de");
}

TEST(CartesiaSttMessages, ATranscriptWithItsWordTimes) {
  const auto message = parse_cartesia_stt_message(
      R"({"type":"transcript","is_final":true,"request_id":"r1","text":" How are you?",)"
      R"("duration":2.5,"language":"en","words":[{"word":"How","start":1.0,"end":1.12},)"
      R"({"word":"you?","start":1.3,"end":1.5}]})");
  const auto* transcript = std::get_if<CartesiaTranscript>(&message);
  ASSERT_NE(transcript, nullptr);
  EXPECT_EQ(transcript->text, " How are you?");
  EXPECT_TRUE(transcript->is_final);
  EXPECT_DOUBLE_EQ(transcript->duration, 2.5);
  EXPECT_EQ(transcript->first_word_start, 1.0);
  EXPECT_EQ(transcript->last_word_end, 1.5);
}

TEST(CartesiaSttMessages, ControlAnswersErrorsAndTheUnknown) {
  EXPECT_TRUE(std::holds_alternative<CartesiaFlushDone>(
      parse_cartesia_stt_message(R"({"type":"flush_done","request_id":"r"})")));
  EXPECT_TRUE(std::holds_alternative<CartesiaDone>(
      parse_cartesia_stt_message(R"({"type":"done","request_id":"r"})")));
  const auto newer = parse_cartesia_stt_message(
      R"({"type":"error","title":"Invalid model","message":"The model is not valid.",)"
      R"("error_code":"model_not_found","status_code":400})");
  ASSERT_TRUE(std::holds_alternative<CartesiaSttError>(newer));
  EXPECT_EQ(std::get<CartesiaSttError>(newer).message,
            "Invalid model: The model is not valid. (model_not_found)");
  EXPECT_EQ(std::get<CartesiaSttError>(newer).status, 400);
  const auto older =
      parse_cartesia_stt_message(R"({"type":"error","message":"Invalid model","code":400})");
  EXPECT_EQ(std::get<CartesiaSttError>(older).status, 400);
  EXPECT_EQ(std::get<CartesiaSttOther>(parse_cartesia_stt_message(R"({"type":"usage"})")).type,
            "usage");
}

TEST(CartesiaSttMessages, MalformedMessagesSayWhy) {
  for (const auto* text :
       {"not json", "[1,2]", R"({"text":"no type"})", R"({"type":"transcript","is_final":true})",
        R"({"type":"transcript","text":"x","is_final":"yes"})"}) {
    EXPECT_TRUE(std::holds_alternative<CartesiaSttMalformed>(parse_cartesia_stt_message(text)))
        << text;
  }
}

TEST(CartesiaSttFailure, StatusesAreClassified) {
  const auto auth = cartesia_handshake_failure(401, R"({"message":"Invalid API key"})");
  EXPECT_EQ(auth.code, core::Errc::upstream_auth);
  EXPECT_FALSE(auth.retryable);
  EXPECT_NE(auth.message.find("CARTESIA_API_KEY"), std::string::npos);
  EXPECT_TRUE(cartesia_handshake_failure(429, "").retryable);
  EXPECT_EQ(cartesia_handshake_failure(429, "").code, core::Errc::rate_limited);
  EXPECT_TRUE(cartesia_handshake_failure(502, "<html>").retryable);
  EXPECT_FALSE(cartesia_handshake_failure(400, "").retryable);
  EXPECT_FALSE(cartesia_close_failure(1008, "bad audio").retryable);
  EXPECT_TRUE(cartesia_close_failure(1011, "").retryable);
  EXPECT_TRUE(cartesia_server_error("busy", 503).retryable);
  EXPECT_FALSE(cartesia_server_error("bad", 400).retryable);
  EXPECT_FALSE(cartesia_malformed_message("x").retryable);
}

}  // namespace
}  // namespace patter::providers
