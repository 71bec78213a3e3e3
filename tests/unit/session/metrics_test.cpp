#include "session/metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "session/latency.hpp"
#include "session/percentile.hpp"

namespace patter::session {
namespace {

core::TimePoint at_ms(double ms) {
  return core::TimePoint{} +
         std::chrono::duration_cast<core::Duration>(std::chrono::duration<double, std::milli>(ms));
}

TurnStamps full_pipeline_turn() {
  TurnStamps s;
  s.user_speech_start = at_ms(1000);
  s.turn_start = at_ms(1200);
  s.user_speech_end = at_ms(3000);
  s.stt_final = at_ms(3250);
  s.turn_commit = at_ms(3300);
  s.llm_first_token = at_ms(3700);
  s.first_sentence = at_ms(3900);
  s.tts_first_byte = at_ms(4150);
  s.llm_complete = at_ms(4500);
  s.tts_last_byte = at_ms(6000);
  return s;
}

TEST(LatencyTest, FullPipelineTurnUses061Definitions) {
  const auto latency = compute_latency(full_pipeline_turn());
  EXPECT_DOUBLE_EQ(latency.stt_ms, 250.0);  // final transcript − end of speech
  EXPECT_EQ(latency.user_speech_duration_ms, 2000.0);
  EXPECT_DOUBLE_EQ(latency.llm_ms, 1250.0);
  EXPECT_EQ(latency.llm_total_ms, 1250.0);
  EXPECT_EQ(latency.llm_ttft_ms, 450.0);
  EXPECT_DOUBLE_EQ(latency.tts_ms, 250.0);  // from the first sentence
  EXPECT_DOUBLE_EQ(latency.total_ms, 2950.0);
  EXPECT_EQ(latency.endpoint_ms, 300.0);
  EXPECT_EQ(latency.agent_response_ms, 1000.0);
  EXPECT_EQ(latency.tts_total_ms, 2300.0);  // last byte − first token
  EXPECT_EQ(latency.bargein_ms, std::nullopt);
}

TEST(LatencyTest, RoundsToOneDecimal) {
  TurnStamps s;
  s.user_speech_end = at_ms(0);
  s.stt_final = at_ms(123.46);
  s.turn_start = at_ms(0);
  s.tts_first_byte = at_ms(999.94);
  const auto latency = compute_latency(s);
  EXPECT_DOUBLE_EQ(latency.stt_ms, 123.5);
  EXPECT_DOUBLE_EQ(latency.total_ms, 999.9);
}

TEST(LatencyTest, FallsBackToCommitAndLlmCompleteWhenStampsAreMissing) {
  TurnStamps s;
  s.turn_commit = at_ms(100);
  s.llm_first_token = at_ms(400);
  s.llm_complete = at_ms(900);
  s.tts_first_byte = at_ms(1000);
  const auto latency = compute_latency(s);
  EXPECT_EQ(latency.llm_ttft_ms, 300.0);
  EXPECT_DOUBLE_EQ(latency.llm_ms, 800.0);
  EXPECT_DOUBLE_EQ(latency.tts_ms, 100.0);  // from LLM complete: no first sentence
  EXPECT_DOUBLE_EQ(latency.stt_ms, 0.0);
  EXPECT_DOUBLE_EQ(latency.total_ms, 0.0);
  EXPECT_EQ(latency.endpoint_ms, std::nullopt);
  EXPECT_EQ(latency.agent_response_ms, std::nullopt);  // needs the endpoint
  EXPECT_EQ(latency.user_speech_duration_ms, std::nullopt);
}

TEST(LatencyTest, EndpointStartsAtWhicheverOfVadStopAndFinalCameFirst) {
  TurnStamps s;
  s.stt_final = at_ms(500);
  s.user_speech_end = at_ms(700);
  s.turn_commit = at_ms(800);
  EXPECT_EQ(compute_latency(s).endpoint_ms, 300.0);
}

TEST(LatencyTest, TtsLatencyIsClampedAtZero) {
  TurnStamps s;
  s.first_sentence = at_ms(500);
  s.tts_first_byte = at_ms(450);
  EXPECT_DOUBLE_EQ(compute_latency(s).tts_ms, 0.0);
}

TEST(LatencyTest, BargeInIsStopMinusDetection) {
  TurnStamps s;
  s.bargein_detected = at_ms(10'000);
  s.tts_stopped = at_ms(10'042.5);
  EXPECT_EQ(compute_latency(s).bargein_ms, 42.5);
}

TEST(EouMetricsTest, MillisecondsFromVadStop) {
  const auto eou = compute_eou_metrics(full_pipeline_turn());
  ASSERT_TRUE(eou.has_value());
  EXPECT_DOUBLE_EQ(eou->end_of_utterance_delay_ms, 250.0);  // final transcript − VAD stop
  EXPECT_DOUBLE_EQ(eou->transcription_delay_ms, 300.0);     // commit − VAD stop
}

TEST(EouMetricsTest, NegativeDelaysAreClampedAtZero) {
  TurnStamps s;
  s.stt_final = at_ms(100);
  s.user_speech_end = at_ms(300);
  s.turn_commit = at_ms(350);
  EXPECT_EQ(compute_eou_metrics(s), (EouMetrics{0.0, 50.0}));
}

TEST(EouMetricsTest, AbsentUnlessAllStampsExist) {
  auto s = full_pipeline_turn();
  s.turn_commit.reset();
  EXPECT_EQ(compute_eou_metrics(s), std::nullopt);
  s = full_pipeline_turn();
  s.user_speech_end.reset();
  EXPECT_EQ(compute_eou_metrics(s), std::nullopt);
}

TEST(PercentileTest, HyndmanFanType7) {
  EXPECT_DOUBLE_EQ(percentile_type7({100, 200}, 0.95), 195.0);
  EXPECT_DOUBLE_EQ(percentile_type7({200, 100}, 0.50), 150.0);
  EXPECT_DOUBLE_EQ(percentile_type7({100, 200}, 0.99), 199.0);
  EXPECT_DOUBLE_EQ(percentile_type7({15, 20, 35, 40, 50}, 0.90), 46.0);
  EXPECT_DOUBLE_EQ(percentile_type7({15, 20, 35, 40, 50}, 0.50), 35.0);
  EXPECT_DOUBLE_EQ(percentile_type7({42}, 0.99), 42.0);
  EXPECT_DOUBLE_EQ(percentile_type7({}, 0.5), 0.0);
}

TurnMetrics turn_with(double stt, double total, std::optional<double> ttft = std::nullopt) {
  TurnMetrics turn;
  turn.user_text = "Can I book?";
  turn.agent_text = "Sure.";
  turn.latency.stt_ms = stt;
  turn.latency.total_ms = total;
  turn.latency.llm_ttft_ms = ttft;
  return turn;
}

TEST(AggregateLatencyTest, AveragesAndPercentilesPerComponent) {
  const std::vector<TurnMetrics> turns = {turn_with(100, 1000, 300.0), turn_with(200, 2000, 500.0)};
  const auto aggregate = aggregate_latency(turns);
  EXPECT_DOUBLE_EQ(aggregate.average.stt_ms, 150.0);
  EXPECT_DOUBLE_EQ(aggregate.p95.stt_ms, 195.0);
  EXPECT_DOUBLE_EQ(aggregate.p50.total_ms, 1500.0);
  EXPECT_DOUBLE_EQ(aggregate.p99.total_ms, 1990.0);
  EXPECT_EQ(aggregate.p90.llm_ttft_ms, 480.0);
  EXPECT_EQ(aggregate.average.llm_ttft_ms, 400.0);
  EXPECT_EQ(aggregate.average.endpoint_ms, std::nullopt);  // no turn has it
  EXPECT_DOUBLE_EQ(aggregate.average.tts_ms, 0.0);
}

TEST(AggregateLatencyTest, LeavesOutInterruptedAndZeroTotalTurnsAndZeroComponents) {
  auto interrupted = turn_with(5000, 9000);
  interrupted.agent_text = interrupted_agent_text("I was saying");
  const std::vector<TurnMetrics> turns = {turn_with(100, 1000), turn_with(0, 3000),
                                          turn_with(700, 0), interrupted};
  const auto aggregate = aggregate_latency(turns);
  EXPECT_DOUBLE_EQ(aggregate.average.stt_ms, 100.0);  // the zero stt of turn 2 is dropped
  EXPECT_DOUBLE_EQ(aggregate.average.total_ms, 2000.0);
  EXPECT_DOUBLE_EQ(aggregate.p99.stt_ms, 100.0);
}

TEST(AggregateLatencyTest, LeavesOutTheGreeting) {
  auto greeting = turn_with(0, 4);
  greeting.user_text.clear();
  const std::vector<TurnMetrics> turns = {greeting, turn_with(100, 1000)};
  EXPECT_DOUBLE_EQ(aggregate_latency(turns).average.total_ms, 1000.0);
}

TEST(AggregateLatencyTest, RoundsAverageToOneDecimal) {
  const std::vector<TurnMetrics> turns = {turn_with(100, 1000), turn_with(100, 1000),
                                          turn_with(101, 1000)};
  EXPECT_DOUBLE_EQ(aggregate_latency(turns).average.stt_ms, 100.3);
}

TEST(TurnMetricsTest, InterruptedMarker) {
  EXPECT_EQ(interrupted_agent_text("Let me"), "Let me [interrupted]");
  EXPECT_EQ(interrupted_agent_text(""), "[interrupted]");
  TurnMetrics turn;
  turn.agent_text = "Fine, thanks.";
  EXPECT_FALSE(turn.interrupted());
  turn.agent_text = interrupted_agent_text("Fine");
  EXPECT_TRUE(turn.interrupted());
}

TEST(CallMetricsRecorderTest, CountsInterruptionsAndBackchannelsAndSummarizes) {
  CallMetricsRecorder recorder;
  recorder.add_turn(turn_with(100, 1000));
  auto cut = turn_with(100, 1000);
  cut.agent_text = interrupted_agent_text("Well");
  recorder.add_turn(cut);
  recorder.add_backchannel();
  EXPECT_EQ(recorder.interruptions(), (InterruptionCounts{1, 1}));

  CostBreakdown cost;
  cost.total = 0.5;
  CallDescription call;
  call.call_id = "CA1";
  call.duration_seconds = 61.0;
  const auto metrics = recorder.summarize(call, cost);
  EXPECT_EQ(metrics.call.call_id, "CA1");
  EXPECT_DOUBLE_EQ(metrics.call.duration_seconds, 61.0);
  EXPECT_EQ(metrics.turns.size(), 2U);
  EXPECT_DOUBLE_EQ(metrics.cost.total, 0.5);
  EXPECT_DOUBLE_EQ(metrics.latency.average.total_ms, 1000.0);
  EXPECT_EQ(metrics.interruptions.interruptions, 1);
}

}  // namespace
}  // namespace patter::session
