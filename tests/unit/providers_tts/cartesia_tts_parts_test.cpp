// The Cartesia text-to-speech client's parts as pure functions: config checks, the requests,
// the server's messages and how failures are classified.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/error.hpp"
#include "providers/tts/cartesia_tts_config.hpp"
#include "providers/tts/cartesia_tts_failure.hpp"
#include "providers/tts/cartesia_tts_messages.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;

CartesiaTtsConfig valid() {
  CartesiaTtsConfig config;
  config.api_key = "sk_car_parts_key_123";
  return config;
}

std::string problem_with(const CartesiaTtsConfig& config) {
  try {
    validate(config);
  } catch (const core::Error& error) {
    return error.what();
  }
  return {};
}

TEST(CartesiaTtsConfig, RejectsWhatCartesiaCannotDo) {
  EXPECT_EQ(problem_with(valid()), "");
  auto config = valid();
  config.api_key.clear();
  EXPECT_NE(problem_with(config).find("CARTESIA_API_KEY"), std::string::npos);
  config = valid();
  config.base_url = "ftp://api.cartesia.ai";
  EXPECT_NE(problem_with(config).find("base_url"), std::string::npos);
  config = valid();
  config.output_format = {Encoding::mulaw, 16000};
  EXPECT_NE(problem_with(config).find("output format"), std::string::npos);
  config = valid();
  config.output_format = {Encoding::pcm16_le, 12000};
  EXPECT_NE(problem_with(config).find("output format"), std::string::npos);
  config = valid();
  config.speed = 3.0;
  EXPECT_NE(problem_with(config).find("speed"), std::string::npos);
  config = valid();
  config.voice_id.clear();
  EXPECT_NE(problem_with(config).find("voice"), std::string::npos);
  config = valid();
  config.max_attempts = 0;
  EXPECT_NE(problem_with(config).find("max_attempts"), std::string::npos);
  config = valid();
  config.base_url = "https://tts.example.com/tts/websocket";
  EXPECT_EQ(cartesia_tts_url(config), "wss://tts.example.com/tts/websocket");
}

TEST(CartesiaTtsMessages, RequestsRepeatTheContextsFields) {
  auto config = valid();
  config.max_buffer_delay_ms = 0;
  const auto flush =
      json::parse(cartesia_generation_request(config, "", {"ctx-9", "", true, true})).as_object();
  EXPECT_EQ(flush.at("context_id"), "ctx-9");
  EXPECT_EQ(flush.at("flush"), true);
  EXPECT_EQ(flush.at("max_buffer_delay_ms"), 0);
  EXPECT_FALSE(flush.contains("language"));
  EXPECT_FALSE(flush.contains("generation_config"));
  EXPECT_EQ(flush.at("output_format").at("encoding"), "pcm_mulaw");
  const auto end =
      json::parse(cartesia_generation_request(config, "es", {"ctx-9", "", false, false}))
          .as_object();
  EXPECT_EQ(end.at("continue"), false);
  EXPECT_FALSE(end.contains("flush"));
  EXPECT_EQ(end.at("language"), "es");
  EXPECT_EQ(json::parse(cartesia_cancel_request("ctx-9")),
            json::parse(R"({"context_id":"ctx-9","cancel":true})"));
}

TEST(CartesiaTtsMessages, ServerMessagesAreRead) {
  const auto chunk = parse_cartesia_tts_message(
      R"({"type":"chunk","data":"AAEC","done":false,"status_code":206,"context_id":"c1","flush_id":1})");
  EXPECT_EQ(chunk.kind, CartesiaTtsMessage::Kind::chunk);
  EXPECT_EQ(chunk.context_id, "c1");
  EXPECT_EQ(chunk.audio, (std::vector<std::uint8_t>{0, 1, 2}));
  EXPECT_EQ(chunk.flush_id, 1);
  const auto flushed = parse_cartesia_tts_message(
      R"({"type":"flush_done","done":false,"flush_done":true,"flush_id":2,"context_id":"c1"})");
  EXPECT_EQ(flushed.kind, CartesiaTtsMessage::Kind::flush_done);
  EXPECT_EQ(parse_cartesia_tts_message(R"({"type":"done","done":true,"context_id":"c1"})").kind,
            CartesiaTtsMessage::Kind::done);
  const auto older = parse_cartesia_tts_message(
      R"({"type":"error","done":true,"status_code":400,"context_id":"c1","error":"Invalid model: x"})");
  EXPECT_EQ(older.kind, CartesiaTtsMessage::Kind::error);
  EXPECT_EQ(older.error, "Invalid model: x");
  EXPECT_EQ(older.status, 400);
  const auto newer = parse_cartesia_tts_message(
      R"({"type":"error","title":"Not found","message":"No such voice","error_code":"voice_not_found","status_code":404})");
  EXPECT_EQ(newer.error, "Not found: No such voice (voice_not_found)");
  EXPECT_EQ(parse_cartesia_tts_message(R"({"type":"timestamps","context_id":"c1"})").kind,
            CartesiaTtsMessage::Kind::other);
}

TEST(CartesiaTtsMessages, MalformedMessagesThrowWithTheReason) {
  for (const auto* text :
       {"nope", "[]", R"({"context_id":"c1"})", R"({"type":"chunk","context_id":"c1"})",
        R"({"type":"chunk","data":"@@@","context_id":"c1"})"}) {
    EXPECT_THROW((void)parse_cartesia_tts_message(text), CartesiaTtsFormatError) << text;
  }
}

TEST(CartesiaTtsFailure, StatusesAreClassified) {
  const auto config = valid();
  const auto now = std::chrono::system_clock::now();
  const auto auth = cartesia_tts_refused(config, 401, {}, R"({"message":"Invalid API key"})", now);
  EXPECT_EQ(auth.code, core::Errc::upstream_auth);
  EXPECT_FALSE(auth.retryable);
  const auto limited = cartesia_tts_refused(config, 429, {{"Retry-After", "3"}}, "", now);
  EXPECT_TRUE(limited.retryable);
  EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(3000));
  EXPECT_TRUE(cartesia_tts_refused(config, 503, {}, "", now).retryable);
  EXPECT_FALSE(cartesia_tts_refused(config, 400, {}, "", now).retryable);
  EXPECT_TRUE(cartesia_tts_context_error(config, 500, "x").retryable);
  EXPECT_FALSE(cartesia_tts_context_error(config, 400, "x").retryable);
  EXPECT_TRUE(cartesia_tts_connection_lost(1006, "").retryable);
  EXPECT_FALSE(cartesia_tts_malformed("x").retryable);
}

}  // namespace
}  // namespace patter::providers
