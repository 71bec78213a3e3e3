#include "session/cost.hpp"

#include <gtest/gtest.h>

#include <string>

#include "session/pricing.hpp"

namespace patter::session {
namespace {

CallCostAccumulator accumulator(CallProviders providers) {
  return CallCostAccumulator(PricingTable::defaults(), std::move(providers));
}

TEST(PricingTableTest, VersionAndLookups) {
  const auto table = PricingTable::defaults();
  EXPECT_EQ(table.version(), "2026.2");
  EXPECT_EQ(table.provider("deepgram").billing, Billing::kPerMinute);
  EXPECT_DOUBLE_EQ(table.provider("deepgram").usd, 0.0077);
  EXPECT_EQ(table.provider("nobody").billing, Billing::kUnpriced);
  EXPECT_DOUBLE_EQ(table.provider("openai_transcribe", "gpt-4o-mini-transcribe").usd, 0.003);
  EXPECT_DOUBLE_EQ(table.provider("openai_transcribe", "gpt-4o-transcribe").usd, 0.006);
  EXPECT_DOUBLE_EQ(table.provider("openai_transcribe", "unknown-model").usd, 0.006);
}

TEST(PricingTableTest, LongestModelPrefixWins) {
  const auto table = PricingTable::defaults();
  ASSERT_TRUE(table.llm_model("gpt-4o-mini-2024-07-18").has_value());
  EXPECT_DOUBLE_EQ(table.llm_model("gpt-4o-mini-2024-07-18")->input, 0.15);
  EXPECT_DOUBLE_EQ(table.llm_model("gpt-4o-2024-08-06")->input, 2.5);
  EXPECT_DOUBLE_EQ(table.llm_model("gpt-4.1-mini")->output, 3.2);
  EXPECT_DOUBLE_EQ(table.llm_model("llama-3.3-70b-versatile")->input, 0.59);
  EXPECT_DOUBLE_EQ(table.llm_model("claude-haiku-4-5-20251001")->cache_write.value(), 1.25);
  EXPECT_EQ(table.llm_model("gpt-oss-120b"), std::nullopt);
}

TEST(PricingTableTest, OverridesMergePerProvider) {
  auto table = PricingTable::defaults();
  table.override_provider("deepgram", {.billing = std::nullopt, .usd = 0.005});
  EXPECT_EQ(table.provider("deepgram").billing, Billing::kPerMinute);
  EXPECT_DOUBLE_EQ(table.provider("deepgram").usd, 0.005);
  table.override_provider("my_tts", {.billing = Billing::kPerThousandChars, .usd = 0.01});
  EXPECT_DOUBLE_EQ(price_characters(table.provider("my_tts"), 2000), 0.02);
  table.override_llm_model("gpt-4o-mini", {.input = std::nullopt,
                                           .output = 1.0,
                                           .cache_read = std::nullopt,
                                           .cache_write = std::nullopt});
  EXPECT_DOUBLE_EQ(table.llm_model("gpt-4o-mini")->input, 0.15);
  EXPECT_DOUBLE_EQ(table.llm_model("gpt-4o-mini")->output, 1.0);
}

TEST(PriceDurationTest, TwilioRoundsUpToWholeMinutes) {
  const auto twilio = PricingTable::defaults().provider("twilio");
  EXPECT_DOUBLE_EQ(price_duration(twilio, 61.0), 0.017);
  EXPECT_DOUBLE_EQ(price_duration(twilio, 60.0), 0.0085);
  EXPECT_DOUBLE_EQ(price_duration(twilio, 0.0), 0.0);
}

TEST(PriceDurationTest, TelnyxBillsPerStartedSecond) {
  const auto telnyx = PricingTable::defaults().provider("telnyx");
  EXPECT_DOUBLE_EQ(price_duration(telnyx, 61.2), 62.0 / 60.0 * 0.007);
  EXPECT_DOUBLE_EQ(price_duration(telnyx, 120.0), 0.014);
}

TEST(PriceDurationTest, WrongUnitBillsNothing) {
  const auto table = PricingTable::defaults();
  EXPECT_DOUBLE_EQ(price_duration(table.provider("elevenlabs"), 60.0), 0.0);
  EXPECT_DOUBLE_EQ(price_characters(table.provider("deepgram"), 1000), 0.0);
}

TEST(CallCostTest, DeepgramSecondsAndTwilioMinutes) {
  auto cost = accumulator({.stt = "deepgram", .stt_model = "", .tts = "", .telephony = "twilio"});
  cost.add_stt_seconds(1500.0);
  cost.set_call_duration(61.0);
  const auto breakdown = cost.breakdown();
  EXPECT_DOUBLE_EQ(breakdown.stt, 1500.0 / 60.0 * 0.0077);
  EXPECT_DOUBLE_EQ(breakdown.telephony, 0.017);
  EXPECT_DOUBLE_EQ(breakdown.total, 0.2095);
}

TEST(CallCostTest, SttSecondsFromAudioBytesAreNotOvercounted) {
  auto cost = accumulator({.stt = "deepgram", .stt_model = "", .tts = "", .telephony = ""});
  cost.add_stt_audio(48'000'000, 16000, 2);  // 1500 s of 16 kHz PCM16
  EXPECT_DOUBLE_EQ(cost.stt_seconds(), 1500.0);
  cost.add_stt_audio(8000, 8000, 1);  // 1 s of 8 kHz μ-law
  EXPECT_DOUBLE_EQ(cost.stt_seconds(), 1501.0);
  EXPECT_DOUBLE_EQ(audio_seconds(100, 0, 2), 0.0);
}

TEST(CallCostTest, OpenAiTranscribeIsPricedByModel) {
  auto cost = accumulator({.stt = "openai_transcribe",
                           .stt_model = "gpt-4o-mini-transcribe",
                           .tts = "",
                           .telephony = ""});
  cost.add_stt_seconds(120.0);
  EXPECT_DOUBLE_EQ(cost.breakdown().stt, 0.006);
}

TEST(CallCostTest, ElevenLabsCharactersIncludingWebSocket) {
  for (const char* provider : {"elevenlabs", "elevenlabs_ws"}) {
    auto cost = accumulator({.stt = "", .stt_model = "", .tts = provider, .telephony = ""});
    cost.add_tts_characters(19'995);
    cost.add_tts_text("héllo");  // the first message, 5 characters
    EXPECT_EQ(cost.tts_characters(), 20'000U);
    EXPECT_DOUBLE_EQ(cost.breakdown().tts, 1.2) << provider;
  }
}

TEST(CallCostTest, AFallbackSwitchBillsEachSpeechToTextProviderAtItsOwnPrice) {
  auto cost = accumulator({.stt = "deepgram", .stt_model = "nova-3", .tts = "", .telephony = ""});
  cost.add_stt_seconds(60.0);
  cost.use_stt_provider("deepgram", "nova-3");  // the stream opened where the call expected
  cost.add_stt_audio(8000 * 30, 8000, 1);
  cost.use_stt_provider("assemblyai", "universal-streaming-english");
  cost.add_stt_seconds(120.0);
  cost.add_stt_seconds(6.0);  // heard again by the new provider
  EXPECT_DOUBLE_EQ(cost.stt_seconds(), 216.0);
  EXPECT_DOUBLE_EQ(cost.breakdown().stt,
                   round_to_micro_dollars(90.0 / 60.0 * 0.0077 + 126.0 / 60.0 * 0.0025));
  cost.use_stt_provider("deepgram", "nova-3");  // back after recovery
  cost.add_stt_seconds(60.0);
  EXPECT_DOUBLE_EQ(cost.breakdown().stt,
                   round_to_micro_dollars(150.0 / 60.0 * 0.0077 + 126.0 / 60.0 * 0.0025));
}

TEST(CallCostTest, EachSentenceIsBilledToTheVoiceThatWasSentIt) {
  auto cost = accumulator({.stt = "", .stt_model = "", .tts = "elevenlabs", .telephony = ""});
  cost.add_tts_characters(1000);
  cost.add_tts_text(std::string(2000, 'a'), "openai_tts");
  cost.add_tts_text(std::string(1000, 'b'));  // no announcement: the voice last named
  cost.add_tts_text(std::string(3000, 'c'), "elevenlabs");
  EXPECT_EQ(cost.tts_characters(), 7000U);
  EXPECT_DOUBLE_EQ(cost.breakdown().tts,
                   round_to_micro_dollars(4.0 * 0.06 + 3.0 * 0.015));
}

TEST(CallCostTest, DatedModelNameIsPricedByPrefix) {
  auto cost = accumulator({});
  cost.add_llm_usage("gpt-4o-mini-2024-07-18", {.input_tokens = 1'000'000,
                                                .output_tokens = 1'000'000,
                                                .cache_read_tokens = 0,
                                                .cache_write_tokens = 0});
  EXPECT_DOUBLE_EQ(cost.breakdown().llm, 0.75);
}

TEST(CallCostTest, OpenAiCachedPromptTokens) {
  auto cost = accumulator({});
  cost.add_llm_usage("gpt-4o", openai_llm_usage(1'000'000, 400'000, 0));
  const auto breakdown = cost.breakdown();
  EXPECT_DOUBLE_EQ(breakdown.llm, 2.0);  // 600k × 2.5 + 400k × 1.25 per million
  EXPECT_DOUBLE_EQ(breakdown.llm_cached_savings, 0.5);
}

TEST(CallCostTest, AnthropicIsNotFree) {
  auto cost = accumulator({});
  cost.add_llm_usage("claude-haiku-4-5", {.input_tokens = 100'000,
                                          .output_tokens = 10'000,
                                          .cache_read_tokens = 1'000'000,
                                          .cache_write_tokens = 100'000});
  const auto breakdown = cost.breakdown();
  EXPECT_DOUBLE_EQ(breakdown.llm, 0.375);
  EXPECT_DOUBLE_EQ(breakdown.llm_cached_savings, 0.9);
}

TEST(CallCostTest, UnknownModelCostsNothing) {
  auto cost = accumulator({});
  cost.add_llm_usage("gpt-oss-120b", {.input_tokens = 1'000'000,
                                      .output_tokens = 0,
                                      .cache_read_tokens = 0,
                                      .cache_write_tokens = 0});
  EXPECT_DOUBLE_EQ(cost.breakdown().llm, 0.0);
}

TEST(CallCostTest, EstimatesTokensAsCharactersOverFourWhenNoUsageIsReported) {
  EXPECT_EQ(estimate_tokens(0), 0U);
  EXPECT_EQ(estimate_tokens(8), 2U);
  EXPECT_EQ(estimate_tokens(10), 3U);
  auto cost = accumulator({});
  cost.add_estimated_llm_usage("gpt-4o-mini", 4000, 400);  // 1000 in, 100 out
  EXPECT_DOUBLE_EQ(cost.breakdown().llm, 0.00021);
}

TEST(RealtimeCostTest, CachedTokenDetails) {
  RealtimeUsage usage;
  usage.input_audio_tokens = 1000;
  usage.input_text_tokens = 500;
  usage.output_audio_tokens = 2000;
  usage.output_text_tokens = 300;
  usage.cached_audio_tokens = 400;
  usage.cached_text_tokens = 100;
  auto cost = accumulator({});
  cost.add_realtime_usage(usage);
  const auto breakdown = cost.breakdown();
  EXPECT_DOUBLE_EQ(breakdown.llm, 0.047086);
  EXPECT_DOUBLE_EQ(breakdown.llm_cached_savings, 0.003934);
}

TEST(RealtimeCostTest, ScalarCachedTokensSplitProRata) {
  RealtimeUsage usage;
  usage.input_audio_tokens = 750;
  usage.input_text_tokens = 250;
  usage.cached_tokens = 400;  // 300 audio, 100 text
  const auto cost = price_realtime(RealtimePrice{}, usage);
  EXPECT_NEAR(cost.usd, 450 * 1e-5 + 300 * 3e-7 + 150 * 6e-7 + 100 * 6e-8, 1e-12);
  EXPECT_NEAR(cost.cached_savings, 300 * (1e-5 - 3e-7) + 100 * (6e-7 - 6e-8), 1e-12);
}

TEST(RealtimeCostTest, CachedTokensAreCappedAtTheInput) {
  RealtimeUsage usage;
  usage.input_audio_tokens = 100;
  usage.cached_audio_tokens = 500;
  const auto cost = price_realtime(RealtimePrice{}, usage);
  EXPECT_NEAR(cost.usd, 100 * 3e-7, 1e-15);
}

TEST(CallCostTest, ActualCostsReplaceEstimates) {
  auto cost = accumulator({.stt = "deepgram", .stt_model = "", .tts = "", .telephony = "twilio"});
  cost.add_stt_seconds(60.0);
  cost.set_call_duration(61.0);
  cost.set_actual_telephony_cost(0.0213);
  cost.set_actual_stt_cost(0.0042);
  const auto breakdown = cost.breakdown();
  EXPECT_DOUBLE_EQ(breakdown.telephony, 0.0213);
  EXPECT_DOUBLE_EQ(breakdown.stt, 0.0042);
  EXPECT_DOUBLE_EQ(breakdown.total, 0.0255);
}

TEST(CallCostTest, RoundsToSixDecimals) {
  auto cost = accumulator({.stt = "", .stt_model = "", .tts = "", .telephony = "telnyx"});
  cost.set_call_duration(61.2);
  const auto breakdown = cost.breakdown();
  EXPECT_DOUBLE_EQ(breakdown.telephony, 0.007233);
  EXPECT_DOUBLE_EQ(breakdown.total, 0.007233);
}

TEST(CallCostTest, NoUsageCostsNothing) {
  EXPECT_EQ(
      accumulator({.stt = "deepgram", .stt_model = "", .tts = "elevenlabs", .telephony = "twilio"})
          .breakdown(),
      CostBreakdown{});
}

}  // namespace
}  // namespace patter::session
