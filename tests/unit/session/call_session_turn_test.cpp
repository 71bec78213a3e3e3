#include <gtest/gtest.h>

#include <algorithm>

#include "audio/format_converter.hpp"
#include "call_session_harness.hpp"
#include "core/error.hpp"

namespace patter::testing {
namespace {

// Event types in order, consecutive repeats folded, state changes left out.
std::vector<std::string> event_trail(const std::vector<CallEvent>& events) {
  std::vector<std::string> trail;
  for (const auto& event : events) {
    if (event.type == EventType::conversation_state_changed) continue;
    const std::string name(to_string(event.type));
    if (trail.empty() || trail.back() != name) trail.push_back(name);
  }
  return trail;
}

class CallSessionTurnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h.tts->ttfb = 100ms;
    h.callbacks.speech_edges.on_user_speech_started = [this](const UserSpeechStarted& e) {
      speech_started_ms.push_back(e.timestamp_ms);
    };
    h.callbacks.speech_edges.on_user_speech_ended = [this](const UserSpeechEnded& e) {
      speech_ended_ms.push_back(e.timestamp_ms);
    };
  }
  void subscribe() {
    subscription = h.session->events().on_any([this](const CallEvent& e) { events.push_back(e); });
  }

  Harness h;
  std::vector<double> speech_started_ms;
  std::vector<double> speech_ended_ms;
  std::vector<CallEvent> events;
  Subscription subscription;
};

// Fallback chains name the provider that does the work; the call bills each one at its price.
TEST_F(CallSessionTurnTest, CostFollowsTheProvidersAFallbackNames) {
  const LlmUsage usage{1000, 500, 0, 0, "claude-haiku-4-5"};
  h.llm->script(FakeLlm::Answer{{"Twelve chars"}, {}, 0ms, 0ms, usage});
  h.tts->announced_providers = {"elevenlabs", "openai_tts"};  // the first attempt failed
  h.start();
  h.caller(1s, false);  // heard by Deepgram (nova-3), the provider the call began with
  h.stt->announce("assemblyai", "universal-streaming-english");
  h.settle();
  h.caller(1s, false);
  h.session->submit_user_text("Which model answers?");
  h.until_agent_quiet();
  h.session->end("test");
  h.settle();

  const auto cost = h.session->cost();
  const double heard_s = static_cast<double>(h.stt->bytes_received) / 32000.0;
  ASSERT_GE(heard_s, 2.0);
  // Speech-to-text: 1 s at Deepgram's $0.0077 a minute, the rest at AssemblyAI's $0.0025.
  EXPECT_NEAR(cost.stt, 0.0077 / 60 + (heard_s - 1) * 0.0025 / 60, 1e-6);
  // The reply's 12 characters went to ElevenLabs ($0.06 per 1000), then to OpenAI ($0.015).
  EXPECT_NEAR(cost.tts, 12 * 0.06e-3 + 12 * 0.015e-3, 1e-6);
  // Claude Haiku 4.5 ($1 / 1M input, $5 / 1M output), not the agent's gpt-4o-mini.
  EXPECT_NEAR(cost.llm, 1000 * 1e-6 + 500 * 5e-6, 1e-9);
}

TEST_F(CallSessionTurnTest, NormalTurnHasExactLatencies) {
  h.llm->script_text("We are open from nine to five.", 200ms);
  std::vector<std::string> edges;
  auto& speech = h.callbacks.speech_edges;
  speech.on_user_speech_eos = [&](const UserSpeechEos& e) { edges.push_back("eos:" + std::string(to_string(e.trigger))); };
  speech.on_llm_token = [&](const LlmFirstToken& e) { edges.push_back("llm_token:" + std::to_string(e.turn_idx)); };
  speech.on_audio_out = [&](const AudioOut& e) { edges.push_back("audio_out:" + e.tts_provider); };
  speech.on_agent_speech_started = [&](const AgentSpeechStarted& e) {
    edges.push_back("agent_started:" + std::to_string(e.turn_idx));
  };
  speech.on_agent_speech_ended = [&](const AgentSpeechEnded& e) {
    edges.push_back("agent_ended:" + std::to_string(e.interrupted));
  };
  std::vector<MetricsEvent> metrics;
  h.callbacks.on_metrics = [&](const MetricsEvent& e) { metrics.push_back(e); };
  h.start();
  subscribe();
  h.stt->script_final("What are your opening hours?", 150ms);
  h.caller(600ms, true);
  h.caller(1000ms, false);
  h.until_agent_quiet();

  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U);
  const TurnMetrics& turn = turns[0];
  EXPECT_EQ(turn.turn_index, 1);
  EXPECT_EQ(turn.user_text, "What are your opening hours?");
  EXPECT_EQ(turn.agent_text, "We are open from nine to five.");
  EXPECT_FALSE(turn.interrupted());
  // End of speech is dated at the silence onset; the VAD decides after 550 ms of silence (18
  // windows of 32 ms = 576 ms, plus 16 ms to the frame completing the last window), then the STT
  // takes 150 ms: 742 ms.
  EXPECT_DOUBLE_EQ(turn.latency.stt_ms, 742.0);
  EXPECT_DOUBLE_EQ(turn.latency.llm_ttft_ms.value_or(-1), 200.0);
  EXPECT_DOUBLE_EQ(turn.latency.llm_ms, 200.0);
  EXPECT_DOUBLE_EQ(turn.latency.tts_ms, 100.0);
  EXPECT_DOUBLE_EQ(turn.latency.total_ms, 300.0);
  EXPECT_DOUBLE_EQ(turn.latency.endpoint_ms.value_or(-1), 742.0);
  EXPECT_DOUBLE_EQ(turn.latency.agent_response_ms.value_or(-1), 742.0 + 200.0 + 100.0);
  ASSERT_EQ(speech_started_ms.size(), 1U);
  ASSERT_EQ(speech_ended_ms.size(), 1U);
  EXPECT_NEAR(turn.latency.user_speech_duration_ms.value_or(-1), speech_ended_ms[0] - speech_started_ms[0],
              0.05);
  EXPECT_EQ(turn.tts_characters, std::string("We are open from nine to five.").size());

  // The user's message reaches the model exactly once, after the system prompt.
  ASSERT_EQ(h.llm->requests.size(), 1U);
  const auto& messages = h.llm->requests[0].messages;
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[0].role, Role::system);
  EXPECT_EQ(messages[1].role, Role::user);
  EXPECT_EQ(messages[1].content, "What are your opening hours?");

  const auto history = h.session->history();
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[0].role, "user");
  EXPECT_EQ(history[1].role, "assistant");
  EXPECT_EQ(history[1].text, "We are open from nine to five.");
  EXPECT_EQ(h.session->state(), (ConversationState{UserState::listening, AgentState::listening}));

  // 300 characters at 10 ms each would be 3 s; this reply is 30 characters = 300 ms = 15 frames.
  const auto loud = std::count_if(h.carrier->frames.begin(), h.carrier->frames.end(),
                                  [](const FakeCarrier::SentFrame& f) { return f.loud; });
  EXPECT_EQ(loud, 15);
  EXPECT_TRUE(h.carrier->clears.empty());

  h.lane->run_pending();
  EXPECT_EQ(edges, (std::vector<std::string>{"eos:vad_silence", "llm_token:1", "audio_out:elevenlabs",
                                             "agent_started:1", "agent_ended:0"}));
  ASSERT_EQ(metrics.size(), 1U);
  EXPECT_EQ(metrics[0].call_id, "CA0123");
  EXPECT_EQ(metrics[0].turn.agent_text, turn.agent_text);
  EXPECT_EQ(metrics[0].llm_ttft_ms, turn.latency.llm_ttft_ms);
  EXPECT_GT(metrics[0].cost_so_far.stt, 0.0) << "deepgram bills the audio it heard";
  EXPECT_GT(metrics[0].cost_so_far.tts, 0.0) << "elevenlabs bills the characters";
  EXPECT_EQ(event_trail(events),
            (std::vector<std::string>{"transcript_final", "stt_metrics", "turn_started", "eou_metrics", "llm_metrics",
                                      "llm_chunk", "tts_metrics", "tts_chunk", "turn_ended",
                                      "metrics_collected"}));
}

TEST_F(CallSessionTurnTest, AnUtteranceWithoutWordsDoesNotDateTheNextTurn) {
  h.llm->script_text("At twelve Harbour Street.", 200ms);
  h.start();
  h.caller(600ms, true);
  h.caller(1000ms, false);
  ASSERT_EQ(speech_ended_ms.size(), 1U) << "the first utterance ended with no transcript";
  EXPECT_TRUE(h.session->metrics().turns().empty());

  h.stt->script_final("Where are you?", 150ms);
  h.caller(400ms, true);
  h.caller(1000ms, false);
  h.until_agent_quiet();

  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U);
  EXPECT_EQ(turns[0].user_text, "Where are you?");
  // As in a normal turn, up to where the utterance falls on the VAD's 32 ms window grid.
  EXPECT_NEAR(turns[0].latency.stt_ms, 742.0, 16.0);
  ASSERT_EQ(speech_started_ms.size(), 2U);
  ASSERT_EQ(speech_ended_ms.size(), 2U);
  EXPECT_NEAR(turns[0].latency.user_speech_duration_ms.value_or(-1), speech_ended_ms[1] - speech_started_ms[1],
              0.05);
}

// Recognisers with their own endpointing (pocketsphinx) can finish before the VAD decides the
// caller stopped, and the reply can start before it too (450 ms < 576 ms of silence here); the
// end of speech, dated at the silence onset, still dates the turn.
TEST_F(CallSessionTurnTest, AFinalBeforeTheVadStopIsDatedFromTheSilenceOnset) {
  h.llm->script_text("At twelve Harbour Street.", 50ms);
  h.start();
  h.caller(600ms, true);
  h.caller(300ms, false);
  h.stt->emit_final("Where are you?");
  h.caller(20ms, false);
  h.until_agent_quiet();

  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U);
  ASSERT_EQ(speech_ended_ms.size(), 1U);
  // The silence began about 300 ms before the final (up to the VAD's 32 ms window grid).
  EXPECT_NEAR(turns[0].latency.stt_ms, 300.0, 32.0);
  EXPECT_NEAR(turns[0].latency.endpoint_ms.value_or(-1), 300.0, 32.0);
  EXPECT_NEAR(turns[0].latency.agent_response_ms.value_or(-1), 300.0 + 50.0 + 100.0, 32.0);
  EXPECT_NEAR(turns[0].latency.user_speech_duration_ms.value_or(-1), speech_ended_ms[0] - speech_started_ms[0],
              0.05);
}

TEST_F(CallSessionTurnTest, FirstMessageStartsAtOnceAndIsPacedByPlayoutTime) {
  h.agent.first_message = std::string(100, 'a');  // 1 s of audio
  h.tts->ttfb = 0ms;
  h.start();
  // Synthesis starts at call start, before speech-to-text opens (both at once here).
  ASSERT_EQ(h.tts->sentences.size(), 1U);
  EXPECT_EQ(h.stt->opened, 1);
  // The burst fills the carrier's jitter buffer: 120 ms, with a mark after every 100 ms.
  EXPECT_EQ(h.carrier->frames.size(), 6U);
  EXPECT_EQ(h.carrier->marks_sent.size(), 1U);
  // From then on exactly one frame per 20 ms: the playout clock paces, the marks never stall it.
  for (int step = 1; step <= 40; ++step) {
    h.advance(20ms);
    EXPECT_EQ(h.carrier->frames.size(), 6U + static_cast<std::size_t>(step)) << "at " << h.now_ms();
    EXPECT_LE(h.carrier->marks_sent.size() - h.carrier->marks_echoed.size(), 2U);
  }
  EXPECT_EQ(h.carrier->frames.size(), 46U);  // 800 ms played, 120 ms ahead
  h.caller(500ms, false);
  EXPECT_EQ(h.carrier->frames.size(), 50U);
  EXPECT_EQ(h.session->state().agent, AgentState::listening);
  ASSERT_EQ(h.session->metrics().turns().size(), 1U);
  EXPECT_EQ(h.session->metrics().turns()[0].agent_text, std::string(100, 'a'));
}

TEST_F(CallSessionTurnTest, ACarrierThatStopsConfirmingHoldsTheAudioAfterFourMarks) {
  h.agent.first_message = std::string(100, 'a');
  h.carrier->echo_marks = false;
  h.tts->ttfb = 0ms;
  h.start();
  // 400 ms of audio (four marks) goes out unconfirmed by 280 ms, then nothing more.
  h.advance(400ms);
  EXPECT_EQ(h.carrier->frames.size(), 20U);
  EXPECT_EQ(h.carrier->marks_sent.size(), 4U);
  // The first confirmation frees one chunk: five frames, a fifth mark, and the window is full again.
  h.session->on_mark("audio_1");
  h.settle();
  EXPECT_EQ(h.carrier->frames.size(), 25U);
  EXPECT_EQ(h.carrier->marks_sent.size(), 5U);
  h.advance(100ms);
  EXPECT_EQ(h.carrier->frames.size(), 25U);
}

// Speech-to-text hears each 20 ms frame (about 640 bytes of 16 kHz PCM, as the resampler
// delivers them) from the caller's first word until the turn is committed and the VAD has heard
// the speech end; from then until the caller speaks again it gets 100 ms chunks (3200 bytes or
// just over), one message instead of five.
TEST_F(CallSessionTurnTest, SpeechToTextGetsFramesWhileLatencyCountsAndChunksInBetween) {
  constexpr std::size_t kFrameMost = 1000;
  constexpr std::size_t kChunk = 3200;
  h.llm->script_text("We are open from nine to five.", 200ms);
  h.stt->script_final("What are your opening hours?", 150ms);
  h.start();
  h.caller(400ms, false);
  const auto speech_at = h.now();
  h.caller(600ms, true);
  h.caller(1000ms, false);
  h.until_agent_quiet();
  ASSERT_EQ(h.session->metrics().turns().size(), 1U);
  h.caller(400ms, false);
  const auto second_speech_at = h.now();
  h.caller(300ms, true);

  const auto& pushes = h.stt->pushes;
  const auto sizes_between = [&pushes](core::TimePoint from, core::TimePoint to) {
    std::vector<std::size_t> sizes;
    for (const auto& [at, size] : pushes) {
      if (at > from && at <= to) sizes.push_back(size);
    }
    return sizes;
  };
  const auto all_chunks = [](const std::vector<std::size_t>& sizes) {
    return std::all_of(sizes.begin(), sizes.end(),
                       [](std::size_t size) { return size >= kChunk && size < kChunk + kFrameMost; });
  };
  // Before anyone spoke: chunks.
  const auto before = sizes_between(core::TimePoint{}, speech_at);
  EXPECT_GE(before.size(), 3U);
  EXPECT_TRUE(all_chunks(before)) << ::testing::PrintToString(before);
  // From the caller's speech to the final: frames, after at most one push at the VAD's onset
  // carrying what was held since the last chunk.
  const auto listening = sizes_between(speech_at, h.stt->final_emitted_at);
  ASSERT_GT(listening.size(), 50U);
  EXPECT_TRUE(std::all_of(listening.begin() + 2, listening.end(),
                          [](std::size_t size) { return size <= kFrameMost; }))
      << ::testing::PrintToString(listening);
  // After the committed turn (the agent's own audio is withheld): chunks again.
  const auto after = sizes_between(h.stt->final_emitted_at, second_speech_at);
  ASSERT_GE(after.size(), 3U);
  EXPECT_TRUE(all_chunks(after)) << ::testing::PrintToString(after);
  // The caller speaks again: frames from the VAD's onset.
  const auto again = sizes_between(second_speech_at, h.now());
  ASSERT_GE(again.size(), 5U);
  EXPECT_LE(again.back(), kFrameMost);
  EXPECT_LE(again[again.size() - 2], kFrameMost);
}

// Words the VAD did not take for speech (too quiet, or not speech-like to it) still count: once
// a transcript brings words, every frame goes at once, and what was held goes first.
TEST_F(CallSessionTurnTest, WordsTheVadMissedStopTheChunking) {
  h.start();
  h.caller(400ms, false);
  const std::size_t chunked = h.stt->pushes.size();
  ASSERT_GE(chunked, 3U);
  for (const auto& [at, size] : h.stt->pushes) EXPECT_GE(size, 3200U);
  h.stt->emit_partial("a table");
  h.settle();
  h.caller(60ms, false);
  ASSERT_GE(h.stt->pushes.size(), chunked + 3U);
  for (std::size_t i = h.stt->pushes.size() - 3; i < h.stt->pushes.size(); ++i) {
    EXPECT_LT(h.stt->pushes[i].second, 1000U);
  }
  // Nothing is held any more: speech-to-text has every byte of the 23 frames.
  audio::FormatConverter line_to_stt(h.carrier->audio_format(), h.stt->input_format());
  std::size_t fed = 0;
  for (int frame = 0; frame < 23; ++frame) fed += line_to_stt.convert(caller_frame(false)).size();
  EXPECT_EQ(h.stt->bytes_received, fed);
}

TEST_F(CallSessionTurnTest, AudioHeldForSpeechToTextIsSentWhenTheCallEnds) {
  h.start();
  h.caller(1020ms, false);
  audio::FormatConverter line_to_stt(h.carrier->audio_format(), h.stt->input_format());
  std::size_t fed = 0;
  for (int frame = 0; frame < 51; ++frame) fed += line_to_stt.convert(caller_frame(false)).size();
  EXPECT_LT(h.stt->bytes_received, fed);  // the last part of a chunk is still held
  h.session->end("test");
  h.settle();
  EXPECT_EQ(h.stt->bytes_received, fed);
  EXPECT_TRUE(h.stt->closed);
}

TEST(CallSessionPacingTest, WithoutMarksAudioIsPacedByPlayoutTime) {
  Harness h(/*marks=*/false);
  h.agent.first_message = std::string(100, 'a');
  h.start();
  EXPECT_EQ(h.carrier->frames.size(), 6U);
  EXPECT_TRUE(h.carrier->marks_sent.empty());
  h.advance(400ms);
  EXPECT_EQ(h.carrier->frames.size(), 26U);  // 120 ms ahead of 400 ms played
  h.caller(1000ms, false);
  EXPECT_EQ(h.carrier->frames.size(), 50U);
  EXPECT_EQ(h.session->state().agent, AgentState::listening);
}

TEST(CallSessionTextLineTest, TextOnlyCallsNeedNoSpeechProviders) {
  Harness h(true, "text");
  h.agent.stt = nullptr;
  h.agent.tts = nullptr;
  h.agent.first_message = "Hello there, how can I help?";
  h.llm->script_text("Sure, I can check that. It costs ten dollars in total.");
  h.start();
  ASSERT_EQ(h.carrier->texts.size(), 1U);
  EXPECT_EQ(h.carrier->texts[0], "Hello there, how can I help?");
  h.session->submit_user_text("How much is it?");
  h.settle();
  EXPECT_EQ(h.carrier->texts,
            (std::vector<std::string>{"Hello there, how can I help?", "Sure, I can check that.",
                                      "It costs ten dollars in total."}));
  EXPECT_EQ(h.session->metrics().turns().size(), 2U);
}

TEST(CallSessionValidationTest, AnAgentWithoutBrainOrVoiceIsRejected) {
  Harness h;
  h.agent.llm = nullptr;
  EXPECT_THROW(h.start(), core::Error);
  Harness both;
  both.callbacks.on_message.reply = [](const MessageContext&) { return std::string("hi"); };
  EXPECT_THROW(both.start(), core::Error);
  Harness voiceless;
  voiceless.agent.tts = nullptr;
  EXPECT_THROW(voiceless.start(), core::Error);
}

TEST(CallSessionCommitTest, HallucinationsAndDuplicatesAreNotTurns) {
  Harness h;
  h.llm->script_text("Sure, a table for two it is.", 300ms);
  h.start();
  h.stt->emit_final("Thank you.");
  h.settle();
  EXPECT_TRUE(h.llm->requests.empty()) << "a recogniser's favourite invention is not a turn";
  h.advance(1s);
  h.stt->emit_final("Book a table for two");
  h.settle();
  ASSERT_EQ(h.llm->requests.size(), 1U);
  h.advance(1s);
  h.stt->emit_final("book a table for two.");
  h.settle();
  EXPECT_EQ(h.llm->requests.size(), 1U) << "the same final within 2 s is a duplicate";
}

TEST(CallSessionCommitTest, AFinalRightAfterACommitJoinsItWhenTheAgentHasNotSpoken) {
  Harness h;
  h.llm->script_text("Which day would you like?", 400ms);
  h.llm->script_text("Which day would you like to come?", 400ms);
  h.start();
  h.stt->emit_final("I want to book");
  h.settle();
  h.advance(200ms);
  h.stt->emit_final("a table for two");
  h.settle();
  ASSERT_EQ(h.llm->requests.size(), 2U);
  EXPECT_EQ(h.llm->cancels, 1);
  const auto& messages = h.llm->requests[1].messages;
  EXPECT_EQ(messages.back().content, "I want to book a table for two");
  EXPECT_EQ(std::count_if(messages.begin(), messages.end(), [](const ChatMessage& m) { return m.role == Role::user; }),
            1);
}

TEST(CallSessionEndTest, EndingFiresOnCallEndOnceWithTranscriptAndMetrics) {
  Harness h(true, "text");
  h.agent.stt = nullptr;
  h.agent.tts = nullptr;
  std::vector<CallEndEvent> ends;
  h.callbacks.on_call_end = [&](const CallEndEvent& e) { ends.push_back(e); };
  std::vector<CallStartEvent> starts;
  h.callbacks.on_call_start = [&](const CallStartEvent& e) { starts.push_back(e); };
  h.llm->script_text("Hello.");
  h.start();
  h.session->submit_user_text("Hi there, anybody home?");
  h.settle();
  h.advance(2s);
  h.session->end("caller hung up");
  h.session->end("again");
  h.settle();
  ASSERT_EQ(starts.size(), 1U);
  EXPECT_EQ(starts[0].call.caller, "+15550001111");
  ASSERT_EQ(ends.size(), 1U);
  EXPECT_EQ(ends[0].reason, "caller hung up");
  ASSERT_EQ(ends[0].transcript.size(), 2U);
  ASSERT_TRUE(ends[0].metrics.has_value());
  EXPECT_EQ(ends[0].metrics->turns.size(), 1U);
  EXPECT_NEAR(ends[0].metrics->call.duration_seconds, 2.0, 1e-9);
  h.session->submit_user_text("Anyone?");
  h.settle();
  EXPECT_EQ(h.llm->requests.size(), 1U);
}

}  // namespace
}  // namespace patter::testing
