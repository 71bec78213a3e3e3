#include <gtest/gtest.h>

#include <algorithm>

#include "call_session_harness.hpp"

namespace patter::testing {
namespace {

// Eighty words, about 4.6 s of audio with the fake TTS.
std::string long_greeting() {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "one two three four ";
  text.pop_back();
  return text + ".";
}

class BargeInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h.tts->ttfb = 0ms;
    h.callbacks.speech_edges.on_user_speech_started = [this](const UserSpeechStarted& e) {
      speech_started_ms.push_back(e.timestamp_ms);
    };
    h.callbacks.speech_edges.on_agent_speech_ended = [this](const AgentSpeechEnded& e) {
      agent_ended.push_back(e);
    };
  }
  double ms_since_epoch(core::TimePoint at) const { return core::elapsed_ms(core::TimePoint{}, at); }

  Harness h;
  std::vector<double> speech_started_ms;
  std::vector<AgentSpeechEnded> agent_ended;
};

TEST_F(BargeInTest, SpeechDuringTheFirstMessageStopsItAtOnce) {
  h.agent.first_message = long_greeting();
  h.start();
  const core::TimePoint first_audio = h.carrier->frames.front().at;
  h.caller(1000ms, false);
  const core::TimePoint speech_onset = h.now();
  h.caller(300ms, true);

  ASSERT_EQ(h.carrier->clears.size(), 1U);
  const core::TimePoint clear = h.carrier->clears.front();
  ASSERT_EQ(speech_started_ms.size(), 1U);
  // The VAD dates speech to the start of its first speech window (32 ms windows counted from the
  // agent's first audio, when the VAD is reset), and decides after 50 ms of speech: the clear goes
  // out with the frame that completes the second window.
  const double onset_ms = speech_started_ms[0];
  EXPECT_LE(onset_ms, ms_since_epoch(speech_onset));
  EXPECT_GT(onset_ms, ms_since_epoch(speech_onset) - 32.0);
  EXPECT_LE(core::elapsed_ms(speech_onset, clear), 80.0);
  // Not one agent frame after the clear, though seconds of synthesised audio were queued.
  EXPECT_EQ(h.carrier->frames_after(clear), 0U);

  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U);
  EXPECT_TRUE(turns[0].interrupted());
  EXPECT_DOUBLE_EQ(turns[0].latency.bargein_ms.value_or(-1), ms_since_epoch(clear) - onset_ms);
  // The caller heard about 1.08 s of 4.6 s: the history keeps only those words.
  const std::string heard = turns[0].agent_text.substr(0, turns[0].agent_text.size() - 14);
  EXPECT_TRUE(long_greeting().starts_with(heard)) << heard;
  const double played_ms = core::elapsed_ms(first_audio, clear);
  const double expected_chars = played_ms / 10.0;
  EXPECT_NEAR(static_cast<double>(heard.size()), expected_chars, 8.0) << heard;
  const auto history = h.session->history();
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history[0].role, "assistant");
  EXPECT_EQ(history[0].text, heard);
  ASSERT_EQ(agent_ended.size(), 1U);
  EXPECT_TRUE(agent_ended[0].interrupted);
  EXPECT_EQ(h.session->state().agent, AgentState::listening);
}

TEST_F(BargeInTest, SpeechMidTurnInterruptsAndTheNextTurnIsAnswered) {
  h.llm->script_text(long_greeting(), 100ms);
  h.llm->script_text("Sure, what would you like to change?", 100ms);
  h.start();
  h.session->submit_user_text("Tell me everything you know.");
  h.settle();
  h.caller(800ms, false);
  ASSERT_FALSE(h.carrier->frames.empty());
  h.stt->script_final("Stop, I want to change my booking.", 100ms);
  h.caller(400ms, true);
  ASSERT_EQ(h.carrier->clears.size(), 1U);
  const core::TimePoint clear = h.carrier->clears.front();
  h.caller(700ms, false);
  h.until_agent_quiet();
  // Nothing of the interrupted reply after the clear: every later frame is the new reply's.
  ASSERT_EQ(h.llm->requests.size(), 2U);
  const auto& second = h.llm->requests[1].messages;
  ASSERT_GE(second.size(), 4U);
  EXPECT_EQ(second[second.size() - 2].role, Role::assistant);
  EXPECT_TRUE(long_greeting().starts_with(second[second.size() - 2].content));
  EXPECT_LT(second[second.size() - 2].content.size(), long_greeting().size() / 2);
  EXPECT_EQ(second.back().content, "Stop, I want to change my booking.");
  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 2U);
  EXPECT_TRUE(turns[0].interrupted());
  EXPECT_FALSE(turns[1].interrupted());
  EXPECT_EQ(turns[1].agent_text, "Sure, what would you like to change?");
  EXPECT_EQ(h.session->metrics().interruptions().interruptions, 1);
  EXPECT_GT(h.carrier->frames_after(clear), 0U);
}

TEST_F(BargeInTest, NoSelfCancelBeforeTheFirstAudioIsSent) {
  h.tts->ttfb = 400ms;  // a slow TTS: the reply exists long before its audio
  h.llm->script_text("Let me look that up for you right away.", 50ms);
  h.start();
  h.session->submit_user_text("Where is my order?");
  h.settle();
  // The caller keeps making noise while the agent thinks and synthesises.
  h.caller(300ms, true);
  EXPECT_TRUE(h.carrier->clears.empty());
  EXPECT_EQ(h.tts->cancels, 0);
  EXPECT_EQ(h.llm->cancels, 0);
}

TEST_F(BargeInTest, SpeechInsideTheGateIsIgnoredAndReplayedWhenItLasts) {
  h.agent.first_message = long_greeting();
  h.tts->ttfb = 200ms;
  h.start();
  // Echo-like burst right as the audio starts: speech begins with the first agent frame.
  h.caller(200ms, false);
  ASSERT_FALSE(h.carrier->frames.empty());
  const core::TimePoint first_audio = h.carrier->frames.front().at;
  const std::size_t stt_bytes_before = h.stt->bytes_received;
  h.caller(60ms, true);
  h.caller(200ms, false);
  EXPECT_TRUE(h.carrier->clears.empty()) << "a burst inside the 100 ms gate must not interrupt";

  // Speech that starts inside the gate and goes on past it interrupts once the gate ends, and
  // the audio withheld while the agent spoke reaches speech-to-text.
  Harness g;
  g.tts->ttfb = 200ms;
  g.agent.first_message = long_greeting();
  g.agent.barge_in.strategies = {std::make_shared<MinWordsStrategy>(2)};
  g.start();
  g.caller(200ms, false);
  const std::size_t before = g.stt->bytes_received;
  g.caller(400ms, true);
  EXPECT_GT(g.stt->bytes_received, before + 6400U) << "the speech prefix must be replayed";
  g.stt->emit_partial("hold on please");
  g.settle();
  ASSERT_EQ(g.carrier->clears.size(), 1U);
  EXPECT_GE(g.carrier->clears[0], g.carrier->frames.front().at + g.agent.barge_in.gate);
  (void)first_audio;
  EXPECT_EQ(h.stt->bytes_received, stt_bytes_before) << "the burst never reached speech-to-text";
}

TEST_F(BargeInTest, AOneWordBackchannelDoesNotInterruptUnderMinWords) {
  h.agent.first_message = long_greeting();
  h.agent.barge_in.strategies = {std::make_shared<MinWordsStrategy>(2)};
  h.start();
  h.caller(600ms, false);
  h.caller(300ms, true);
  h.stt->emit_final("yeah");
  h.settle();
  h.caller(300ms, false);
  EXPECT_TRUE(h.carrier->clears.empty());
  // The confirmation window runs out; the agent has kept talking all along.
  h.caller(1500ms, false);
  EXPECT_TRUE(h.carrier->clears.empty());
  h.until_agent_quiet();
  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U);
  EXPECT_FALSE(turns[0].interrupted());
  EXPECT_EQ(turns[0].agent_text, long_greeting());
  EXPECT_EQ(h.session->metrics().interruptions().backchannels, 1);
  EXPECT_EQ(h.llm->requests.size(), 0U) << "a backchannel is not a user turn";
}

TEST_F(BargeInTest, TwoWordsConfirmTheBargeInWhileTheAgentTalks) {
  h.agent.first_message = long_greeting();
  h.agent.barge_in.strategies = {std::make_shared<MinWordsStrategy>(2)};
  h.llm->script_text("Of course, go ahead and ask.");
  h.start();
  h.caller(600ms, false);
  h.caller(300ms, true);
  EXPECT_TRUE(h.carrier->clears.empty()) << "pending until words confirm it";
  h.stt->emit_partial("wait a");
  h.settle();
  ASSERT_EQ(h.carrier->clears.size(), 1U);
  EXPECT_EQ(h.carrier->frames_after(h.carrier->clears[0]), 0U);
  h.stt->emit_final("wait a second, I have a question");
  h.settle();
  h.caller(1000ms, false);
  h.until_agent_quiet();
  ASSERT_EQ(h.llm->requests.size(), 1U);
  EXPECT_EQ(h.llm->requests[0].messages.back().content, "wait a second, I have a question");
}

TEST_F(BargeInTest, NoStaleAudioAfterAClearEvenFromALaggingProvider) {
  h.agent.first_message = long_greeting();
  h.tts->late_after_cancel = true;  // keeps delivering the cancelled sentence
  h.start();
  h.caller(600ms, false);
  h.caller(200ms, true);
  ASSERT_EQ(h.carrier->clears.size(), 1U);
  const core::TimePoint clear = h.carrier->clears.front();
  h.caller(2000ms, false);
  EXPECT_EQ(h.carrier->frames_after(clear), 0U);
}

TEST_F(BargeInTest, TheAgentResumesAfterAnInterruptionWithoutWords) {
  h.agent.first_message = long_greeting();
  h.start();
  h.caller(600ms, false);
  h.caller(200ms, true);  // a cough
  ASSERT_EQ(h.carrier->clears.size(), 1U);
  const core::TimePoint clear = h.carrier->clears.front();
  h.caller(3000ms, false);  // no transcript ever comes
  // The agent goes on with what it had not said yet instead of staying silent.
  ASSERT_EQ(h.tts->sentences.size(), 2U);
  const std::string& resumed = h.tts->sentences[1];
  EXPECT_TRUE(long_greeting().ends_with(resumed)) << resumed;
  EXPECT_GT(h.carrier->frames_after(clear), 0U);
  h.until_agent_quiet();
  EXPECT_EQ(h.session->state().agent, AgentState::listening);
}

TEST_F(BargeInTest, WordsAfterTheInterruptionCancelTheResume) {
  h.agent.first_message = long_greeting();
  h.llm->script_text("Yes, what is your question?");
  h.start();
  h.caller(600ms, false);
  h.stt->script_final("I have a question", 100ms);
  h.caller(300ms, true);
  h.caller(3000ms, false);
  ASSERT_EQ(h.tts->sentences.size(), 2U);
  EXPECT_EQ(h.tts->sentences[1], "Yes, what is your question?");
}

TEST_F(BargeInTest, ThresholdZeroKeepsTheCallerFromSpeechToTextWhileTheAgentSpeaks) {
  h.agent.first_message = long_greeting();
  h.agent.barge_in_threshold_ms = 0;
  h.start();
  h.caller(300ms, false);
  const std::size_t before = h.stt->bytes_received;
  h.caller(500ms, true);
  EXPECT_EQ(h.stt->bytes_received, before);
  EXPECT_TRUE(h.carrier->clears.empty());
}

}  // namespace
}  // namespace patter::testing

namespace patter::testing {
namespace {

TEST(BargeInEventsTest, AnInterruptedTurnReportsItsEventsInOrder) {
  Harness h;
  h.tts->ttfb = 0ms;
  h.llm->script_text("Let me tell you a very long story about the history of this fine hotel and its guests.");
  h.llm->script_text("Sure, go ahead with your question.");
  std::vector<AgentSpeechEnded> ended;
  h.callbacks.speech_edges.on_agent_speech_ended = [&](const AgentSpeechEnded& e) { ended.push_back(e); };
  h.start();
  std::vector<std::string> trail;
  auto subscription = h.session->events().on_any([&](const CallEvent& e) {
    const std::string name(to_string(e.type));
    if (e.type == EventType::conversation_state_changed || e.type == EventType::tts_chunk) return;
    if (trail.empty() || trail.back() != name) trail.push_back(name);
  });
  h.session->submit_user_text("Tell me about the hotel.");
  h.settle();
  h.caller(600ms, false);
  h.stt->script_final("Actually I have a question.", 100ms);
  h.caller(300ms, true);
  h.caller(900ms, false);
  h.until_agent_quiet();
  EXPECT_EQ(trail, (std::vector<std::string>{"turn_started", "llm_metrics", "llm_chunk", "tts_metrics",
                                             "interruption", "turn_ended", "metrics_collected",
                                             "transcript_final", "stt_metrics", "turn_started", "eou_metrics",
                                             "llm_metrics", "llm_chunk", "tts_metrics", "turn_ended",
                                             "metrics_collected"}));
  ASSERT_EQ(ended.size(), 2U);
  EXPECT_TRUE(ended[0].interrupted);
  EXPECT_FALSE(ended[1].interrupted);
  EXPECT_EQ(ended[0].turn_idx, 1);
  EXPECT_EQ(ended[1].turn_idx, 2);
}

}  // namespace
}  // namespace patter::testing
