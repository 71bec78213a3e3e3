#include <gtest/gtest.h>

#include "realtime_harness.hpp"

namespace patter::testing {
namespace {

class RealtimeTools : public ::testing::Test {
 protected:
  void begin_turn(const std::string& words) {
    h.speech_started();
    h.speech_stopped();
    h.user_said(words);
  }
  RealtimeHarness h;
};

TEST_F(RealtimeTools, EndCallHangsUpOnceTheGoodbyeHasBeenHeard) {
  h.start();
  begin_turn("goodbye");
  h.tool_call("call_1", "end_call", R"({"reason":"the caller said goodbye"})");
  ASSERT_EQ(h.log->tool_results.size(), 1U);
  EXPECT_EQ(h.log->tool_results[0].first, "call_1");
  EXPECT_EQ(h.log->tool_results[0].second, R"({"status":"ending","reason":"the caller said goodbye"})");
  h.response_done();  // the response that only called the tool
  EXPECT_EQ(h.line->hang_ups, 0);

  h.audio(600);  // the engine answers the tool's result
  h.transcript("Goodbye!", true);
  h.response_done();
  h.advance(300ms);
  EXPECT_EQ(h.line->hang_ups, 0) << "the goodbye is still playing";
  h.advance(500ms);
  EXPECT_EQ(h.line->hang_ups, 1);
  EXPECT_TRUE(h.session->ended());
  ASSERT_EQ(h.ends.size(), 1U);
  EXPECT_EQ(h.ends[0].reason, "agent ended the call: the caller said goodbye");
  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U) << "the tool call and its answer are one turn";
  EXPECT_EQ(turns[0].user_text, "goodbye");
  EXPECT_EQ(turns[0].agent_text, "Goodbye!");
  const auto history = h.session->history();
  ASSERT_EQ(history.size(), 3U);
  EXPECT_EQ(history[1].text, "Goodbye!");
  EXPECT_EQ(history[2].role, "system");
  EXPECT_EQ(history[2].text, "Call ended: the caller said goodbye");
}

TEST_F(RealtimeTools, EndCallWithoutAnAnswerHangsUpAfterAShortWait) {
  h.start();
  begin_turn("bye");
  h.tool_call("call_1", "end_call", "{}");
  h.response_done();
  h.advance(2900ms);
  EXPECT_FALSE(h.session->ended());
  h.advance(200ms);
  EXPECT_TRUE(h.session->ended());
  EXPECT_EQ(h.line->hang_ups, 1);
  EXPECT_EQ(h.ends[0].reason, "agent ended the call: conversation_complete");
}

TEST_F(RealtimeTools, TransferCallChecksTheNumberAndTransfersAfterSpeaking) {
  h.start();
  begin_turn("put me through");
  h.tool_call("call_1", "transfer_call", R"({"number":"12345"})");
  ASSERT_EQ(h.log->tool_results.size(), 1U);
  EXPECT_EQ(h.log->tool_results[0].second, R"({"error":"Invalid phone number format","status":"rejected"})");
  h.tool_call("call_2", "transfer_call", R"({"number":"+15551234567"})");
  EXPECT_EQ(h.log->tool_results[1].second, R"({"status":"transferring","to":"+15551234567"})");
  h.audio(200);
  h.transcript("Transferring you now.", true);
  h.response_done();
  h.advance(100ms);
  EXPECT_TRUE(h.line->transfers.empty());
  h.advance(3200ms);
  EXPECT_EQ(h.line->transfers, (std::vector<std::string>{"+15551234567"}));
  EXPECT_TRUE(h.session->ended());
  EXPECT_EQ(h.ends[0].reason, "transferred to +15551234567");
}

TEST_F(RealtimeTools, AHandlerToolRunsOnTheUserLaneAndItsResultGoesBack) {
  h.agent.tools.push_back(Tool{"opening_hours", "", R"({"type":"object"})",
                               [&](const std::string& arguments, const CallParties& parties) {
                                 EXPECT_EQ(arguments, R"({"day":"monday"})");
                                 EXPECT_EQ(parties.call_id, "CA0123");
                                 return std::string("noon to ten");
                               },
                               {}});
  h.start();
  begin_turn("when are you open on monday");
  h.log->events.on_tool_call(ToolCall{"call_7", "opening_hours", R"({"day":"monday"})"});
  h.executor->run_pending();
  EXPECT_TRUE(h.log->tool_results.empty()) << "the handler waits for the user lane";
  h.settle();
  ASSERT_EQ(h.log->tool_results.size(), 1U);
  EXPECT_EQ(h.log->tool_results[0], (std::pair<std::string, std::string>{"call_7", "noon to ten"}));
}

TEST_F(RealtimeTools, AnUnknownToolGetsAnErrorResult) {
  h.start();
  begin_turn("do something");
  h.tool_call("call_3", "launch_rocket", "{}");
  ASSERT_EQ(h.log->tool_results.size(), 1U);
  EXPECT_EQ(h.log->tool_results[0].second, R"({"error":"unknown tool launch_rocket","fallback":true})");
}

TEST_F(RealtimeTools, TheResultOfAnInterruptedResponseIsDropped) {
  h.agent.tools.push_back(Tool{"slow_lookup", "", R"({"type":"object"})",
                               [](const std::string&, const CallParties&) { return std::string("late"); }, {}});
  h.start();
  begin_turn("look it up");
  h.log->events.on_tool_call(ToolCall{"call_9", "slow_lookup", "{}"});
  h.executor->run_pending();
  h.log->events.on_user_speech_started();  // the caller speaks again before the result is back
  h.settle();
  EXPECT_EQ(h.log->interrupts.size(), 1U);
  EXPECT_TRUE(h.log->tool_results.empty());
}

TEST_F(RealtimeTools, AGuardrailSilencesTheResponseAndTheEngineSaysTheReplacement) {
  h.agent.guardrails.push_back(Guardrail{"secrets", {"password"}, {}, "I can't share that."});
  h.start();
  begin_turn("what is the password");
  h.audio(2000);
  h.transcript("The pass");
  h.advance(100ms);
  EXPECT_TRUE(h.line->clears.empty());
  h.transcript("word is swordfish.");
  ASSERT_EQ(h.line->clears.size(), 1U) << "the blocked words stop at once";
  const std::size_t frames_before = h.line->frames.size();
  EXPECT_EQ(h.log->said, (std::vector<std::string>{"I can't share that."}));

  h.audio(300);  // the rest of the blocked answer, before the engine ends it
  h.response_done();
  h.advance(100ms);
  EXPECT_EQ(h.line->frames.size(), frames_before);
  h.audio(400);
  h.transcript("I can't share that.", true);
  h.response_done();
  h.advance(600ms);
  EXPECT_EQ(h.line->frames.size() - frames_before, 20U) << "only the replacement plays";

  const auto history = h.session->history();
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[1].text, "I can't share that.");
  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U);
  EXPECT_EQ(turns[0].agent_text, "I can't share that.");
}

}  // namespace
}  // namespace patter::testing
