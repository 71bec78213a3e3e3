// The chain's own rules, with small in-test providers: health order and recovery, providers
// that throw at once, warmup, the request-written signal, the speech-to-text replay (offsets,
// format conversion, a pending finalize) and the public factories' checks.

#include <patter/fallback.hpp>

#include <chrono>
#include <stdexcept>

#include "audio/format_converter.hpp"
#include "fallback_test_support.hpp"
#include "providers/fallback/attempt_plan.hpp"
#include "providers/fallback/fallback_llm.hpp"
#include "providers/fallback/fallback_stt.hpp"
#include "providers/fallback/provider_health.hpp"
#include "scripted_providers.hpp"

namespace patter::providers::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

class FallbackChainTest : public FallbackTest {
 protected:
  std::shared_ptr<ScriptedLlm> alpha_ = std::make_shared<ScriptedLlm>("alpha");
  std::shared_ptr<ScriptedLlm> beta_ = std::make_shared<ScriptedLlm>("beta");
  std::shared_ptr<FallbackLlm> llm_ =
      std::make_shared<FallbackLlm>(std::vector<std::shared_ptr<LlmProvider>>{alpha_, beta_},
                                    settings());
};

TEST_F(FallbackChainTest, HealthOrdersHealthyProvidersFirstThenTheSoonestToRecover) {
  ProviderHealth health({"a", "b", "c"}, clock_, seconds(30));
  EXPECT_EQ(health.attempt_order(), (std::vector<std::size_t>{0, 1, 2}));
  health.mark_failed(0, "down");
  clock_->advance(seconds(10));
  health.mark_failed(1, "down");
  EXPECT_EQ(health.attempt_order(), (std::vector<std::size_t>{2, 0, 1}));
  EXPECT_EQ(health.preferred(), 2u);
  clock_->advance(milliseconds(19'999));
  EXPECT_FALSE(health.healthy(0));
  clock_->advance(milliseconds(1));
  EXPECT_TRUE(health.healthy(0));
  EXPECT_EQ(health.attempt_order(), (std::vector<std::size_t>{0, 2, 1}));
  health.mark_working(1);
  EXPECT_EQ(health.attempt_order(), (std::vector<std::size_t>{0, 1, 2}));
}

TEST_F(FallbackChainTest, APlanRetriesEachProviderThenMovesOnAndNamesEveryFailure) {
  ProviderHealth health({"a", "b"}, clock_, seconds(30));
  AttemptPlan plan(health, 1, "CA0001");
  EXPECT_EQ(plan.current(), 0u);
  plan.failed(health, "a: first");
  EXPECT_EQ(plan.current(), 0u);
  EXPECT_TRUE(health.healthy(0)) << "not given up on yet";
  plan.failed(health, "a: second");
  EXPECT_EQ(plan.current(), 1u);
  EXPECT_FALSE(health.healthy(0));
  plan.failed(health, "refused");
  plan.failed(health, "refused again");
  EXPECT_EQ(plan.current(), std::nullopt);
  EXPECT_EQ(plan.failures(health),
            "[1] a: second (after 2 attempts); [2] b: refused again (after 2 attempts)");
}

TEST_F(FallbackChainTest, AProviderThatThrowsAtOnceIsPassedOver) {
  alpha_->throws = true;
  LlmRecorder recorder;
  auto stream = llm_->stream(context(), {}, recorder.events());
  EXPECT_EQ(alpha_->streams, 2);
  ASSERT_EQ(beta_->streams, 1);
  beta_->events.on_text("hi");
  beta_->events.on_done(FinishReason::stop);
  EXPECT_TRUE(recorder.order.empty()) << "events reach the caller on its executor";
  ASSERT_TRUE(run_until([&] { return recorder.ended(); }));
  EXPECT_EQ(recorder.text, "hi");
  EXPECT_EQ(llm_->name(), "beta");
  EXPECT_EQ(llm_->model(), "beta-model");
}

TEST_F(FallbackChainTest, WhenEveryProviderThrowsAtOnceTheStreamCannotStart) {
  alpha_->throws = true;
  beta_->throws = true;
  LlmRecorder recorder;
  try {
    (void)llm_->stream(context(), {}, recorder.events());
    ADD_FAILURE() << "no exception";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::upstream_error);
    EXPECT_EQ(std::string(error.what()),
              "fallback: every provider failed: [1] alpha: not now (after 2 attempts); [2] beta: "
              "not now (after 2 attempts)");
  }
}

TEST_F(FallbackChainTest, EventsOfAnAbandonedAttemptAreDropped) {
  LlmRecorder recorder;
  auto stream = llm_->stream(context(), {}, recorder.events());
  auto first_attempt = alpha_->events;
  first_attempt.on_error("alpha: broken");
  ASSERT_TRUE(run_until([&] { return alpha_->streams == 2; }));
  first_attempt.on_text("stale");
  alpha_->events.on_text("fresh");
  alpha_->events.on_done(FinishReason::stop);
  ASSERT_TRUE(run_until([&] { return recorder.ended(); }));
  EXPECT_EQ(recorder.text, "fresh");
}

TEST_F(FallbackChainTest, CancelStopsTheInnerStreamAndEveryLaterEvent) {
  LlmRecorder recorder;
  auto stream = llm_->stream(context(), {}, recorder.events());
  alpha_->events.on_text("one");
  ASSERT_TRUE(run_until([&] { return !recorder.deltas.empty(); }));
  stream->cancel();
  EXPECT_EQ(alpha_->cancels, 1);
  alpha_->events.on_text(" two");
  alpha_->events.on_error("alpha: late");
  run_for(milliseconds(50));
  EXPECT_EQ(recorder.order, (std::vector<std::string>{"text"}));
  EXPECT_EQ(beta_->streams, 0);
}

TEST_F(FallbackChainTest, TheRequestIsReportedWrittenOnceAcrossAttempts) {
  int written = 0;
  LlmEvents events;
  events.on_request_written = [&written] { ++written; };
  bool done = false;
  events.on_done = [&done](FinishReason) { done = true; };
  auto stream = llm_->stream(context(), {}, std::move(events));
  alpha_->events.on_request_written();
  alpha_->events.on_error("alpha: 503");
  ASSERT_TRUE(run_until([&] { return alpha_->streams == 2; }));
  alpha_->events.on_request_written();
  alpha_->events.on_done(FinishReason::stop);
  ASSERT_TRUE(run_until([&] { return done; }));
  EXPECT_EQ(written, 1);
}

TEST_F(FallbackChainTest, WarmupPreparesTheServingProviderAndTheStandbyWhenAsked) {
  llm_->warmup(context());
  EXPECT_EQ(alpha_->warmups, 1);
  EXPECT_EQ(beta_->warmups, 0);
  auto chain_settings = settings();
  chain_settings.warm_standby = true;
  FallbackLlm standby({alpha_, beta_}, chain_settings);
  standby.warmup(context());
  EXPECT_EQ(alpha_->warmups, 2);
  EXPECT_EQ(beta_->warmups, 1);
  EXPECT_EQ(alpha_->streams + beta_->streams, 0) << "warming never requests anything";
}

TEST_F(FallbackChainTest, TheExecutorIsRequired) {
  StreamContext no_executor;
  EXPECT_THROW((void)llm_->stream(no_executor, {}, {}), std::invalid_argument);
}

TEST_F(FallbackChainTest, AReplacementSpeechStreamHearsTheUnfinalisedAudioConvertedAndOnTheCallClock) {
  auto first = std::make_shared<ScriptedStt>("first", kTelephonyMulaw);
  auto second = std::make_shared<ScriptedStt>("second", kPcm16k);
  FallbackStt stt({first, second}, settings());
  EXPECT_EQ(stt.input_format(), kTelephonyMulaw);
  SttRecorder recorder;
  auto stream = stt.open(context(), recorder.events());
  std::string audio;
  for (int i = 0; i < 8000; ++i) audio.push_back(static_cast<char>(0x80 + (i / 40) % 100));
  stream->push_audio(as_bytes(audio.substr(0, 6000)));
  EXPECT_EQ(first->audio, audio.substr(0, 6000));

  // A final covering the first 500 ms: that audio is never heard again.
  Transcript hello{"hello", true, true, 0.9, 100.0, 500.0};
  first->events.on_transcript(hello);
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 1; }));
  EXPECT_EQ(recorder.finals[0].end_ms, 500.0);
  stream->finalize();
  first->events.on_error("first: dropped");
  ASSERT_TRUE(run_until([&] { return second->opens == 1; }));
  stream->push_audio(as_bytes(audio.substr(6000)));

  audio::FormatConverter converter(kTelephonyMulaw, kPcm16k);
  const auto expected = as_text(converter.convert(as_bytes(audio.substr(4000))));
  EXPECT_EQ(second->audio, expected);
  EXPECT_EQ(second->finalizes, 1) << "the pending finalize follows the replay";
  EXPECT_EQ(first->closes, 1);

  second->events.on_transcript(Transcript{"there", true, true, 0.9, 100.0, 300.0});
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 2; }));
  EXPECT_EQ(recorder.finals[1].start_ms, 600.0);
  EXPECT_EQ(recorder.finals[1].end_ms, 800.0);
  EXPECT_TRUE(recorder.errors.empty());
  EXPECT_EQ(stt.name(), "second");
}

TEST_F(FallbackChainTest, ASpeechStreamClosedDeliversNothingMore) {
  auto first = std::make_shared<ScriptedStt>("first", kTelephonyMulaw);
  auto second = std::make_shared<ScriptedStt>("second", kTelephonyMulaw);
  FallbackStt stt({first, second}, settings());
  SttRecorder recorder;
  auto stream = stt.open(context(), recorder.events());
  first->events.on_transcript(Transcript{"late", false, false, 0.5, 0.0, 100.0});
  stream->close();
  first->events.on_error("first: gone");
  run_for(milliseconds(50));
  EXPECT_EQ(recorder.events_seen(), 0u);
  EXPECT_EQ(first->closes, 1);
  EXPECT_EQ(second->opens, 0);
}

TEST_F(FallbackChainTest, ThePublicFactoriesCheckTheirArguments) {
  EXPECT_THROW((void)fallback::llm({}), std::invalid_argument);
  EXPECT_THROW((void)fallback::stt({nullptr}), std::invalid_argument);
  fallback::FallbackOptions negative;
  negative.max_retry_per_provider = -1;
  EXPECT_THROW((void)fallback::tts({}, negative), std::invalid_argument);
  fallback::FallbackOptions instant;
  instant.recovery_interval = milliseconds(0);
  EXPECT_THROW((void)fallback::llm({alpha_}, instant), std::invalid_argument);
  try {
    (void)fallback::llm({alpha_, nullptr});
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()), "fallback: provider 2 is null");
  }
  const auto chain = fallback::llm({alpha_, beta_});
  EXPECT_EQ(chain->name(), "alpha");
  EXPECT_EQ(chain->model(), "alpha-model");
}

}  // namespace
}  // namespace patter::providers::testing
