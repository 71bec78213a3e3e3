#include "providers/stt/deepgram_messages.hpp"

#include <gtest/gtest.h>

namespace patter::providers {
namespace {

template <typename T>
T as(const DeepgramMessage& message) {
  EXPECT_TRUE(std::holds_alternative<T>(message)) << "held index " << message.index();
  return std::holds_alternative<T>(message) ? std::get<T>(message) : T{};
}

TEST(DeepgramMessages, ResultsTakeTheFirstAlternativeAndItsWordTimes) {
  const auto results = as<DeepgramResults>(parse_deepgram_message(
      R"({"type":"Results","channel_index":[0,1],"duration":1.5,"start":2.25,"is_final":true,
          "speech_final":true,"from_finalize":false,
          "channel":{"alternatives":[{"transcript":"hello there","confidence":0.97,
            "words":[{"word":"hello","start":2.3,"end":2.6,"confidence":0.99},
                     {"word":"there","start":2.7,"end":3.1,"confidence":0.95}]},
            {"transcript":"yellow there","confidence":0.4,"words":[]}]},
          "metadata":{"request_id":"r1"}})"));
  EXPECT_EQ(results.transcript, "hello there");
  EXPECT_DOUBLE_EQ(results.confidence, 0.97);
  EXPECT_TRUE(results.is_final);
  EXPECT_TRUE(results.speech_final);
  EXPECT_FALSE(results.from_finalize);
  EXPECT_DOUBLE_EQ(results.start, 2.25);
  EXPECT_DOUBLE_EQ(results.duration, 1.5);
  EXPECT_DOUBLE_EQ(*results.first_word_start, 2.3);
  EXPECT_DOUBLE_EQ(*results.last_word_end, 3.1);
}

TEST(DeepgramMessages, AnEmptyInterimHasNoWords) {
  const auto results = as<DeepgramResults>(parse_deepgram_message(
      R"({"type":"Results","duration":1,"start":0,"is_final":false,
          "channel":{"alternatives":[{"transcript":"","confidence":0,"words":[]}]}})"));
  EXPECT_TRUE(results.transcript.empty());
  EXPECT_FALSE(results.is_final);
  EXPECT_FALSE(results.first_word_start);
}

TEST(DeepgramMessages, TurnAndSessionMessages) {
  EXPECT_DOUBLE_EQ(
      as<DeepgramUtteranceEnd>(
          parse_deepgram_message(R"({"type":"UtteranceEnd","channel":[0,1],"last_word_end":2.35})"))
          .last_word_end,
      2.35);
  EXPECT_DOUBLE_EQ(
      as<DeepgramSpeechStarted>(
          parse_deepgram_message(R"({"type":"SpeechStarted","channel":[0,1],"timestamp":1.2})"))
          .timestamp,
      1.2);
  const auto metadata = as<DeepgramMetadata>(parse_deepgram_message(
      R"({"type":"Metadata","transaction_key":"deprecated","request_id":"abc","duration":12.5,"channels":1})"));
  EXPECT_EQ(metadata.request_id, "abc");
  EXPECT_DOUBLE_EQ(metadata.duration, 12.5);
  EXPECT_EQ(as<DeepgramOther>(parse_deepgram_message(R"({"type":"Warning"})")).type, "Warning");
  EXPECT_EQ(as<DeepgramServerError>(
                parse_deepgram_message(
                    R"({"type":"Error","description":"bad audio","variant":"DATA-0000"})"))
                .message,
            "bad audio (DATA-0000)");
}

TEST(DeepgramMessages, MalformedMessagesSayWhatIsWrong) {
  EXPECT_NE(as<DeepgramMalformed>(parse_deepgram_message(R"({"type":"Results","channel":)"))
                .detail.find("not a JSON object"),
            std::string::npos);
  EXPECT_NE(
      as<DeepgramMalformed>(parse_deepgram_message(R"({"type":"Results","start":0,"duration":1})"))
          .detail.find("without a channel"),
      std::string::npos);
  EXPECT_NE(as<DeepgramMalformed>(
                parse_deepgram_message(R"({"type":"Results","channel":{"alternatives":[]}})"))
                .detail.find("start and duration"),
            std::string::npos);
  EXPECT_NE(as<DeepgramMalformed>(parse_deepgram_message(R"({"type":"UtteranceEnd"})"))
                .detail.find("last_word_end"),
            std::string::npos);
  EXPECT_NE(as<DeepgramMalformed>(parse_deepgram_message("[1,2]")).detail.find("not a JSON"),
            std::string::npos);
}

}  // namespace
}  // namespace patter::providers
