#include <gtest/gtest.h>

#include "session/cost.hpp"
#include "session/pricing.hpp"

namespace patter::session {
namespace {

TEST(RealtimePricing, EachRealtimeModelHasItsPublishedPrice) {
  const auto table = PricingTable::defaults();
  EXPECT_DOUBLE_EQ(table.realtime("gpt-realtime").audio_output * 1e6, 64.0);
  EXPECT_DOUBLE_EQ(table.realtime("gpt-realtime-mini").audio_output * 1e6, 20.0);
  EXPECT_DOUBLE_EQ(table.realtime("gpt-realtime-mini").cached_text_input * 1e6, 0.06);
  EXPECT_DOUBLE_EQ(table.realtime("gpt-4o-realtime-preview").audio_input * 1e6, 40.0);
  EXPECT_DOUBLE_EQ(table.realtime("gpt-4o-mini-realtime-preview").cached_text_input * 1e6, 0.3);
}

TEST(RealtimePricing, SnapshotsMatchTheirModelByTheLongestPrefix) {
  const auto table = PricingTable::defaults();
  EXPECT_DOUBLE_EQ(table.realtime("gpt-realtime-2025-08-28").text_input * 1e6, 4.0);
  EXPECT_DOUBLE_EQ(table.realtime("gpt-realtime-mini-2025-10-06").text_input * 1e6, 0.6);
  EXPECT_DOUBLE_EQ(table.realtime("gpt-4o-mini-realtime-preview-2024-12-17").text_output * 1e6, 2.4);
  EXPECT_DOUBLE_EQ(table.realtime("gpt-4o-realtime-preview-2025-06-03").text_output * 1e6, 20.0);
  // An unknown model bills at the default realtime rates.
  EXPECT_DOUBLE_EQ(table.realtime("some-other-model").audio_input, table.realtime().audio_input);
}

TEST(RealtimePricing, TheAccumulatorBillsAtTheModelsRates) {
  CallCostAccumulator mini(PricingTable::defaults(), CallProviders{});
  CallCostAccumulator full(PricingTable::defaults(), CallProviders{});
  RealtimeUsage usage;
  usage.input_audio_tokens = 1'000'000;
  usage.output_audio_tokens = 1'000'000;
  usage.cached_audio_tokens = 0;
  usage.cached_text_tokens = 0;
  mini.add_realtime_usage("gpt-realtime-mini", usage);
  full.add_realtime_usage("gpt-realtime", usage);
  EXPECT_DOUBLE_EQ(mini.breakdown().llm, 30.0);
  EXPECT_DOUBLE_EQ(full.breakdown().llm, 96.0);
}

}  // namespace
}  // namespace patter::session
