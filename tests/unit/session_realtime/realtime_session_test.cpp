#include <gtest/gtest.h>

#include "core/error.hpp"
#include "realtime_harness.hpp"

namespace patter::testing {
namespace {

std::vector<std::string> tool_names(const EngineSessionConfig& config) {
  std::vector<std::string> names;
  for (const auto& tool : config.tools) names.push_back(tool.name);
  return names;
}

TEST(RealtimeSession, OpensTheEngineWithPromptGreetingVoiceAndTools) {
  RealtimeHarness h;
  h.agent.system_prompt = "You help {name} with bookings.";
  h.agent.first_message = "Hello {name}, how can I help?";
  h.agent.voice = "verse";
  h.agent.language = "it";
  h.agent.tools.push_back(Tool{"lookup", "Looks things up", R"({"type":"object"})",
                               [](const std::string&, const CallParties&) { return "ok"; }, {}});
  h.custom_params = {{"name", "Ada"}};
  int starts = 0;
  h.callbacks.on_call_start = [&](const CallStartEvent& event) {
    ++starts;
    EXPECT_EQ(event.call.call_id, "CA0123");
  };
  h.start();

  ASSERT_EQ(h.log->opened, 1);
  const auto& config = *h.log->config;
  EXPECT_EQ(config.instructions, "You help Ada with bookings.");
  EXPECT_EQ(config.first_message, "Hello Ada, how can I help?");
  EXPECT_EQ(config.voice, "verse");
  EXPECT_EQ(config.language, "it");
  EXPECT_EQ(tool_names(config), (std::vector<std::string>{"lookup", "transfer_call", "end_call"}));
  EXPECT_EQ(config.carrier_format, audio::kTelephonyMulaw);
  EXPECT_EQ(starts, 1);
  EXPECT_EQ(h.session->state().agent, AgentState::idle);
}

TEST(RealtimeSession, WithoutBuiltinToolsOnlyTheAgentsToolsAreOffered) {
  RealtimeHarness h;
  h.agent.builtin_tools = false;
  h.start();
  EXPECT_TRUE(h.log->config->tools.empty());
}

TEST(RealtimeSession, AnAgentAnsweringWithOnMessageOrATextLineIsRefused) {
  RealtimeHarness h;
  h.callbacks.on_message.reply = [](const MessageContext&) { return std::string("hi"); };
  session::SessionServices services;
  services.clock = &h.clock;
  services.executor = h.executor;
  services.user_lane = h.lane;
  EXPECT_THROW(session::RealtimeSession::create(h.agent, h.callbacks, services, {}, h.line), core::Error);
  Agent no_engine;
  EXPECT_THROW(session::RealtimeSession::create(no_engine, {}, services, {}, h.line), core::Error);
}

TEST(RealtimeSession, TheGreetingIsPacedToTheLineAndRecordedOnceHeard) {
  RealtimeHarness h;
  h.agent.first_message = "Hello, Trattoria Patter.";
  h.start();
  const core::TimePoint burst = h.now();
  h.audio(1000);  // the engine sends a second of audio at once
  h.transcript("Hello, Trattoria Patter.", true);
  h.response_done();

  // Only the lead (120 ms) went out with the burst; the rest follows in real time.
  EXPECT_LE(h.line->frames.size(), 7U);
  EXPECT_TRUE(h.session->history().empty()) << "nothing is recorded before it is heard";
  h.advance(1200ms);
  ASSERT_EQ(h.line->frames.size(), 50U);
  for (const auto& frame : h.line->frames) EXPECT_EQ(frame.bytes.size(), 160U);
  EXPECT_GE(core::elapsed_ms(burst, h.line->frames.back().at), 850.0);

  const auto history = h.session->history();
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].role, "assistant");
  EXPECT_EQ(history[0].text, "Hello, Trattoria Patter.");
  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U);
  EXPECT_EQ(turns[0].turn_index, 0);
  EXPECT_TRUE(turns[0].user_text.empty());
  EXPECT_FALSE(turns[0].interrupted());
  EXPECT_EQ(h.session->state().agent, AgentState::listening);
}

TEST(RealtimeSession, ATurnIsMeasuredFromTheEndOfTheCallersSpeechToTheFirstAudio) {
  RealtimeHarness h;
  std::vector<MetricsEvent> metrics;
  std::vector<double> user_speech_ms;
  h.callbacks.on_metrics = [&](const MetricsEvent& event) { metrics.push_back(event); };
  h.callbacks.speech_edges.on_user_speech_ended = [&](const UserSpeechEnded& event) {
    user_speech_ms.push_back(event.speech_duration_ms);
  };
  h.start();
  h.speech_started();
  h.advance(700ms);
  h.speech_stopped();
  h.advance(300ms);
  h.user_said("what are your opening hours");
  h.audio(400);
  h.transcript("We are open ");
  h.transcript("from noon.");
  h.response_done();
  h.run([&] { h.log->events.on_usage(EngineUsage{1000, 200, 500, 100, 400, 50}); });
  h.advance(600ms);

  const auto history = h.session->history();
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[0].role + ": " + history[0].text, "user: what are your opening hours");
  EXPECT_EQ(history[1].role + ": " + history[1].text, "assistant: We are open from noon.");
  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U);
  EXPECT_EQ(turns[0].turn_index, 1);
  EXPECT_EQ(turns[0].user_text, "what are your opening hours");
  EXPECT_DOUBLE_EQ(turns[0].latency.total_ms, 300.0);
  EXPECT_DOUBLE_EQ(turns[0].latency.user_speech_duration_ms.value_or(-1), 700.0);
  ASSERT_EQ(user_speech_ms.size(), 1U);
  EXPECT_DOUBLE_EQ(user_speech_ms[0], 700.0);
  ASSERT_EQ(metrics.size(), 1U);
  EXPECT_EQ(metrics[0].turn.user_text, "what are your opening hours");

  // gpt-realtime: audio in $32, text in $4, audio out $64, text out $16, cached $0.40 per 1M.
  const double expected = (600 * 32.0 + 400 * 0.4 + 150 * 4.0 + 50 * 0.4 + 500 * 64.0 + 100 * 16.0) / 1e6;
  EXPECT_NEAR(h.session->cost().llm, expected, 1e-6);
  EXPECT_DOUBLE_EQ(h.session->cost().stt, 0.0);
  EXPECT_DOUBLE_EQ(h.session->cost().tts, 0.0);
}

TEST(RealtimeSession, CallerAudioGoesToTheEngineAsItComes) {
  RealtimeHarness h;
  h.start();
  const std::vector<std::uint8_t> frame(160, 0xFF);
  for (int i = 0; i < 3; ++i) h.session->on_caller_audio(frame);
  EXPECT_EQ(h.log->audio_bytes, 480U);
}

TEST(RealtimeSession, DtmfIsToldToTheEngineAndRecorded) {
  RealtimeHarness h;
  h.start();
  h.session->on_dtmf('5');
  h.settle();
  EXPECT_EQ(h.log->user_texts, (std::vector<std::string>{"[DTMF: 5]"}));
  const auto history = h.session->history();
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].role, "user");
  EXPECT_EQ(history[0].text, "[DTMF: 5]");
}

TEST(RealtimeSession, AFatalEngineErrorEndsTheCallWithItsReasonInTheRecord) {
  RealtimeHarness h;
  std::vector<CallEvent> errors;
  h.start();
  auto subscription = h.session->events().on(EventType::engine_error, [&](const CallEvent& e) { errors.push_back(e); });
  h.run([&] { h.log->events.on_error("the key was rejected (401): check OPENAI_API_KEY", true); });

  EXPECT_TRUE(h.session->ended());
  EXPECT_TRUE(h.log->closed);
  EXPECT_EQ(h.line->hang_ups, 1);
  ASSERT_EQ(h.ends.size(), 1U);
  EXPECT_EQ(h.ends[0].reason, "error: openai_realtime: the key was rejected (401): check OPENAI_API_KEY");
  ASSERT_FALSE(h.ends[0].transcript.empty());
  EXPECT_EQ(h.ends[0].transcript.back().role, "system");
  EXPECT_EQ(h.ends[0].transcript.back().text,
            "Call ended: error: openai_realtime: the key was rejected (401): check OPENAI_API_KEY");
  ASSERT_TRUE(h.ends[0].metrics);
  EXPECT_EQ(h.ends[0].metrics->call.provider_mode, "realtime");
  EXPECT_EQ(h.ends[0].metrics->call.llm_provider, "openai_realtime");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].data, R"({"fatal":true})");

  // Nothing the engine still sends reaches the ended call.
  h.audio(200);
  EXPECT_TRUE(h.line->frames.empty());
  h.session->end("caller hung up");
  EXPECT_EQ(h.ends.size(), 1U) << "on_call_end fires once";
}

TEST(RealtimeSession, ANonFatalEngineErrorIsReportedAndTheCallGoesOn) {
  RealtimeHarness h;
  std::vector<CallEvent> errors;
  h.start();
  auto subscription = h.session->events().on(EventType::engine_error, [&](const CallEvent& e) { errors.push_back(e); });
  h.run([&] { h.log->events.on_error("response.cancel: no active response", false); });
  EXPECT_FALSE(h.session->ended());
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].text, "response.cancel: no active response");
  EXPECT_EQ(errors[0].data, R"({"fatal":false})");
}

TEST(RealtimeSession, AnEngineThatCannotOpenEndsTheCallCleanly) {
  RealtimeHarness h;
  h.log->throw_on_open = true;
  h.start();
  EXPECT_TRUE(h.session->ended());
  ASSERT_EQ(h.ends.size(), 1U);
  EXPECT_EQ(h.ends[0].reason, "error: openai_realtime: cannot open the session: no route to the engine");
}

TEST(RealtimeSession, EndingTheCallClosesTheEngineAndRecordsTheAnswerInProgressAsInterrupted) {
  RealtimeHarness h;
  h.start();
  h.speech_started();
  h.speech_stopped();
  h.user_said("tell me a story");
  h.audio(2000);
  h.transcript("Once upon a time there was a phone.", true);
  h.advance(1000ms);
  h.session->end("caller hung up");
  h.settle();

  EXPECT_TRUE(h.log->closed);
  ASSERT_EQ(h.ends.size(), 1U);
  EXPECT_EQ(h.ends[0].reason, "caller hung up");
  const auto& turns = h.session->metrics().turns();
  ASSERT_EQ(turns.size(), 1U);
  EXPECT_TRUE(turns[0].interrupted());
  EXPECT_EQ(turns[0].agent_text, "Once upon a time [interrupted]");
}

}  // namespace
}  // namespace patter::testing
