#include <gtest/gtest.h>

#include "realtime_harness.hpp"

namespace patter::testing {
namespace {

constexpr std::string_view kAnswer = "one two three four five six seven eight nine ten";

class RealtimeBargeIn : public ::testing::Test {
 protected:
  void SetUp() override {
    h.start();
    h.speech_started();
    h.speech_stopped();
    h.user_said("count to ten");
  }
  // The answer: three seconds of audio, all sent at once as engines do, with its words.
  void answer() {
    h.audio(3000);
    h.transcript(std::string(kAnswer), true);
  }
  [[nodiscard]] double line_played_ms() const { return static_cast<double>(h.line->played_bytes()) / 8.0; }

  RealtimeHarness h;
};

TEST_F(RealtimeBargeIn, SpeechOverTheAnswerClearsTheLineAndTellsTheEngineWhatWasHeard) {
  answer();
  h.advance(1000ms);
  const double heard_ms = line_played_ms();
  const core::TimePoint speech = h.now();
  h.speech_started();

  ASSERT_EQ(h.line->clears.size(), 1U);
  EXPECT_EQ(h.line->clears[0], speech) << "the clear goes out the moment speech is reported";
  ASSERT_EQ(h.log->interrupts.size(), 1U);
  EXPECT_NEAR(static_cast<double>(h.log->interrupts[0].count()), heard_ms, 20.0);
  EXPECT_NEAR(heard_ms, 1000.0, 20.0);

  // The engine still streams the cancelled answer before it confirms the end: none of it plays.
  h.audio(500);
  h.transcript(" eleven twelve");
  h.advance(300ms);
  EXPECT_EQ(h.line->frames_after(speech), 0U);
  h.response_done();

  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U);
  EXPECT_TRUE(turns[0].interrupted());
  EXPECT_EQ(turns[0].agent_text, "one two three [interrupted]") << "only the words heard are kept";
  EXPECT_TRUE(turns[0].latency.bargein_ms.has_value());
  const auto history = h.session->history();
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[1].text, "one two three");

  // The next answer plays as usual.
  h.speech_stopped();
  h.user_said("stop");
  h.audio(200);
  h.transcript("Okay.", true);
  h.response_done();
  h.advance(400ms);
  EXPECT_EQ(h.line->frames_after(speech), 10U);
  ASSERT_EQ(h.session->metrics().turns().size(), 2U);
  EXPECT_EQ(h.session->metrics().turns()[1].agent_text, "Okay.");
  EXPECT_EQ(h.session->metrics().turns()[1].user_text, "stop");
}

TEST_F(RealtimeBargeIn, AfterTheEngineFinishedOnlyThePlayingAudioIsCleared) {
  answer();
  h.response_done();  // all of it was sent; it is still playing
  h.advance(500ms);
  const core::TimePoint speech = h.now();
  h.speech_started();
  ASSERT_EQ(h.line->clears.size(), 1U);
  ASSERT_EQ(h.log->interrupts.size(), 1U);
  EXPECT_NEAR(static_cast<double>(h.log->interrupts[0].count()), 500.0, 20.0);

  // Nothing of the old answer is awaited: the next answer's audio plays at once.
  const std::size_t before = h.line->frames.size();
  h.speech_stopped();
  h.audio(100);
  EXPECT_EQ(h.line->frames.size() - before, 5U);
  EXPECT_EQ(h.line->frames.back().at, speech);
}

TEST_F(RealtimeBargeIn, TheEnginesOwnInterruptionClearsTheLine) {
  answer();
  h.advance(400ms);
  const core::TimePoint interruption = h.now();
  h.run([&] { h.log->events.on_interrupted(); });
  ASSERT_EQ(h.line->clears.size(), 1U);
  EXPECT_TRUE(h.log->interrupts.empty()) << "the engine decided it; nothing to tell it";
  h.advance(200ms);
  EXPECT_EQ(h.line->frames_after(interruption), 0U);
  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U);
  EXPECT_TRUE(turns[0].interrupted());
  EXPECT_EQ(turns[0].agent_text, "one [interrupted]");

  // The engine ends the interrupted response (with its corrected text); then it answers anew.
  h.transcript("one", true);
  h.response_done();
  h.audio(100);
  h.advance(150ms);
  EXPECT_EQ(h.line->frames_after(interruption), 5U);
}

TEST_F(RealtimeBargeIn, WithBargeInOffTheAnswerPlaysOn) {
  RealtimeHarness quiet;
  quiet.agent.barge_in.enabled = false;
  quiet.start();
  quiet.audio(1000);
  quiet.advance(300ms);
  quiet.speech_started();
  EXPECT_TRUE(quiet.line->clears.empty());
  EXPECT_TRUE(quiet.log->interrupts.empty());
  quiet.response_done();
  quiet.advance(900ms);
  EXPECT_EQ(quiet.line->frames.size(), 50U);
}

TEST_F(RealtimeBargeIn, SpeechBeforeAnyAudioCancelsTheAnswerAndNothingOfItIsKept) {
  h.transcript("Let me");  // the answer has begun, silently
  h.speech_started();
  ASSERT_EQ(h.log->interrupts.size(), 1U);
  EXPECT_EQ(h.log->interrupts[0].count(), 0);
  h.audio(300);  // still the cancelled answer
  h.response_done();
  h.advance(100ms);
  EXPECT_TRUE(h.line->frames.empty());
  ASSERT_EQ(h.session->metrics().turns().size(), 1U);
  EXPECT_EQ(h.session->metrics().turns()[0].agent_text, "[interrupted]");
}

}  // namespace
}  // namespace patter::testing
