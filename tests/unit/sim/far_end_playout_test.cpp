#include "sim/far_end_playout.hpp"

#include <gtest/gtest.h>

#include "sim/simulation_result.hpp"

namespace patter::sim {
namespace {

using Names = std::vector<std::string>;

std::vector<std::uint8_t> tone_bytes(std::size_t count) {
  return std::vector<std::uint8_t>(count, 0x10);  // loud, not silence
}

TEST(FarEndPlayoutTest, MarkIsDueOnceTheAudioBeforeItHasPlayed) {
  FarEndPlayout playout;
  playout.push_audio(1000, tone_bytes(1600));  // 200 ms from position 1000
  playout.push_mark(1010, "m1");
  EXPECT_TRUE(playout.playing(1010));
  EXPECT_EQ(playout.end(), 2600);
  EXPECT_EQ(playout.take_due_marks(2599), Names{});
  EXPECT_EQ(playout.take_due_marks(2600), Names{"m1"});
  EXPECT_EQ(playout.take_due_marks(3000), Names{});
  EXPECT_FALSE(playout.playing(2600));
}

TEST(FarEndPlayoutTest, MarkWithNothingQueuedIsDueAtOnce) {
  FarEndPlayout playout;
  playout.push_audio(0, tone_bytes(160));
  playout.push_mark(500, "late");
  EXPECT_EQ(playout.take_due_marks(500), Names{"late"});
}

TEST(FarEndPlayoutTest, AudioQueuesBehindWhatIsStillPlaying) {
  FarEndPlayout playout;
  playout.push_audio(0, tone_bytes(800));
  playout.push_mark(10, "first");
  playout.push_audio(20, tone_bytes(800));
  playout.push_mark(30, "second");
  EXPECT_EQ(playout.end(), 1600);
  EXPECT_EQ(playout.take_due_marks(800), Names{"first"});
  EXPECT_EQ(playout.take_due_marks(1599), Names{});
  EXPECT_EQ(playout.take_due_marks(1600), Names{"second"});
  ASSERT_EQ(playout.bursts().size(), 1u);
  EXPECT_EQ(playout.samples().size(), 1600u);
}

TEST(FarEndPlayoutTest, ClearDropsUnplayedAudioAndReleasesEveryPendingMark) {
  FarEndPlayout playout;
  playout.push_audio(0, tone_bytes(16000));  // 2 s
  playout.push_mark(0, "a");
  playout.push_audio(0, tone_bytes(800));
  playout.push_mark(0, "b");
  EXPECT_EQ(playout.clear(2400), (Names{"a", "b"}));
  EXPECT_FALSE(playout.playing(2400));
  EXPECT_EQ(playout.samples().size(), 2400u);
  ASSERT_EQ(playout.bursts().size(), 1u);
  EXPECT_EQ(playout.bursts()[0].end, 2400);
  EXPECT_EQ(playout.take_due_marks(100000), Names{});

  // Audio right after a clear is a new burst, however short the gap.
  playout.push_audio(2410, tone_bytes(160));
  ASSERT_EQ(playout.bursts().size(), 2u);
  EXPECT_EQ(playout.bursts()[1].start, 2410);
}

TEST(FarEndPlayoutTest, SamplesSitWhereTheyPlayedAndGapsSplitBursts) {
  FarEndPlayout playout;
  playout.push_audio(800, tone_bytes(160));
  playout.push_audio(960 + FarEndPlayout::kJoinGap - 1, tone_bytes(160));  // joins
  playout.push_audio(8000, tone_bytes(160));                               // a new burst
  ASSERT_EQ(playout.bursts().size(), 2u);
  EXPECT_EQ(playout.bursts()[0].start, 800);
  EXPECT_EQ(playout.bursts()[1].start, 8000);
  const auto& samples = playout.samples();
  ASSERT_EQ(samples.size(), 8160u);
  EXPECT_EQ(samples[799], 0);
  EXPECT_NE(samples[800], 0);
  EXPECT_EQ(samples[5000], 0);
  EXPECT_NE(samples[8159], 0);
  EXPECT_EQ(playout.burst_after(1900)->start, 800);
  EXPECT_EQ(playout.burst_after(1919)->start, 8000);
  EXPECT_FALSE(playout.burst_after(8160).has_value());
}

TEST(TurnMetricsTest, LatencyAndBargeInStopFromBursts) {
  const std::vector<AgentBurst> bursts = {{800, 4000}, {12000, 20000}};
  EXPECT_DOUBLE_EQ(*response_latency_ms(8000, bursts), 500.0);
  EXPECT_DOUBLE_EQ(*response_latency_ms(0, bursts), 100.0);
  EXPECT_FALSE(response_latency_ms(12001, bursts).has_value());
  EXPECT_DOUBLE_EQ(*agent_stop_ms(13600, bursts), 800.0);
  EXPECT_FALSE(agent_stop_ms(6000, bursts).has_value());
}

TEST(TurnMetricsTest, StereoRecordingInterleavesAndPads) {
  const auto wav = stereo_recording({1, 2, 3}, {7}, 5);
  EXPECT_EQ(wav.channels, 2);
  EXPECT_EQ(wav.sample_rate, 8000);
  EXPECT_EQ(wav.samples(), (std::vector<std::int16_t>{1, 7, 2, 0, 3, 0, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace patter::sim
