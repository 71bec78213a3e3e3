// AssemblyAI's server messages as the client reads them, and the ones it refuses.

#include <gtest/gtest.h>

#include "providers/stt/assemblyai_messages.hpp"

namespace patter::providers {
namespace {

TEST(AssemblyAiMessages, ATurnWithItsWords) {
  const auto message = parse_assemblyai_message(
      R"({"type":"Turn","turn_order":3,"turn_is_formatted":false,"end_of_turn":false,)"
      R"("transcript":"hi","end_of_turn_confidence":0.01,"utterance":"",)"
      R"("words":[{"start":1920,"end":2000,"text":"hi","confidence":0.87,"word_is_final":true},)"
      R"({"start":2800,"end":2880.5,"text":"my","confidence":0.5,"word_is_final":false}]})");
  const auto* turn = std::get_if<AssemblyAiTurn>(&message);
  ASSERT_NE(turn, nullptr);
  EXPECT_EQ(turn->turn_order, 3);
  EXPECT_FALSE(turn->end_of_turn);
  EXPECT_FALSE(turn->turn_is_formatted);
  EXPECT_EQ(turn->transcript, "hi");
  ASSERT_EQ(turn->words.size(), 2U);
  EXPECT_EQ(turn->words[0].text, "hi");
  EXPECT_DOUBLE_EQ(turn->words[0].start_ms, 1920.0);
  EXPECT_TRUE(turn->words[0].is_final);
  EXPECT_DOUBLE_EQ(turn->words[1].end_ms, 2880.5);
  EXPECT_FALSE(turn->words[1].is_final);
  EXPECT_DOUBLE_EQ(turn->words[1].confidence, 0.5);
}

TEST(AssemblyAiMessages, TheOtherMessages) {
  const auto begin = parse_assemblyai_message(R"({"type":"Begin","id":"abc","expires_at":1})");
  ASSERT_TRUE(std::holds_alternative<AssemblyAiBegin>(begin));
  EXPECT_EQ(std::get<AssemblyAiBegin>(begin).id, "abc");
  const auto ended = parse_assemblyai_message(
      R"({"type":"Termination","audio_duration_seconds":12,"session_duration_seconds":13.5})");
  ASSERT_TRUE(std::holds_alternative<AssemblyAiTermination>(ended));
  EXPECT_DOUBLE_EQ(std::get<AssemblyAiTermination>(ended).session_duration_seconds, 13.5);
  EXPECT_TRUE(std::holds_alternative<AssemblyAiSpeechStarted>(
      parse_assemblyai_message(R"({"type":"SpeechStarted","timestamp":1200})")));
  const auto error =
      parse_assemblyai_message(R"({"type":"Error","error_code":3008,"error":"Session Expired"})");
  ASSERT_TRUE(std::holds_alternative<AssemblyAiServerError>(error));
  EXPECT_EQ(std::get<AssemblyAiServerError>(error).code, 3008);
  EXPECT_EQ(std::get<AssemblyAiServerError>(error).message, "Session Expired");
  const auto other = parse_assemblyai_message(R"({"type":"Heartbeat"})");
  ASSERT_TRUE(std::holds_alternative<AssemblyAiOther>(other));
  EXPECT_EQ(std::get<AssemblyAiOther>(other).type, "Heartbeat");
}

TEST(AssemblyAiMessages, MalformedOnesSayWhatIsWrong) {
  const auto detail = [](std::string_view text) {
    const auto message = parse_assemblyai_message(text);
    const auto* malformed = std::get_if<AssemblyAiMalformed>(&message);
    return malformed == nullptr ? std::string("(accepted)") : malformed->detail;
  };
  EXPECT_NE(detail("{not json").find("not a JSON object"), std::string::npos);
  EXPECT_NE(detail("[]").find("not a JSON object"), std::string::npos);
  EXPECT_EQ(detail(R"({"turn_order":1})"), "a message without a type");
  EXPECT_EQ(detail(R"({"type":"Turn","end_of_turn":true,"transcript":""})"),
            "Turn without a turn_order");
  EXPECT_EQ(detail(R"({"type":"Turn","turn_order":0,"transcript":""})"),
            "Turn without end_of_turn");
  EXPECT_EQ(detail(R"({"type":"Turn","turn_order":0,"end_of_turn":false})"),
            "Turn without a transcript");
  EXPECT_EQ(
      detail(R"({"type":"Turn","turn_order":0,"end_of_turn":false,"transcript":"","words":{}})"),
      "Turn words that are not a list");
  EXPECT_EQ(
      detail(
          R"({"type":"Turn","turn_order":0,"end_of_turn":false,"transcript":"","words":[{"start":1}]})"),
      "a Turn word without text, start and end");
}

}  // namespace
}  // namespace patter::providers
