#include <gtest/gtest.h>

#include "pacing_tracker.hpp"

namespace patter::load {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kFrame = 160;  // 20 ms at 8 kHz

// A server that sends the 120 ms lead at once, then one frame every 20 ms, is perfectly paced.
TEST(PacingTracker, LeadBurstThenRealTimeIsNeitherDelayedNorLate) {
  PacingTracker tracker(120ms);
  const auto start = Clock::now();
  for (int i = 0; i < 6; ++i) {
    const auto timing = tracker.on_frame(kFrame, start);
    EXPECT_EQ(timing.delay, Clock::duration::zero());
    EXPECT_FALSE(timing.late);
    EXPECT_FALSE(timing.paced);
  }
  for (int i = 1; i <= 20; ++i) {
    const auto timing = tracker.on_frame(kFrame, start + i * 20ms);
    EXPECT_EQ(timing.delay, Clock::duration::zero()) << i;
    EXPECT_FALSE(timing.late) << i;
    EXPECT_TRUE(timing.paced) << i;
  }
}

// A TTS provider that delivers the opening 120 ms in 40 ms pieces 10 ms apart delays the burst's
// last frames; that is the provider's delay, and the frames the clock releases after it are on time.
TEST(PacingTracker, ABurstDeliveredInPiecesIsNotPacingDelay) {
  PacingTracker tracker(120ms);
  const auto start = Clock::now();
  for (int i = 0; i < 6; ++i) {
    const auto timing = tracker.on_frame(kFrame, start + (i / 2) * 10ms);
    EXPECT_FALSE(timing.paced) << i;
    EXPECT_FALSE(timing.late) << i;
  }
  const auto first_paced = tracker.on_frame(kFrame, start + 20ms);
  EXPECT_TRUE(first_paced.paced);
  EXPECT_EQ(first_paced.delay, Clock::duration::zero());
  const auto behind = tracker.on_frame(kFrame, start + 60ms);
  EXPECT_TRUE(behind.paced);
  EXPECT_EQ(behind.delay, 20ms);
}

TEST(PacingTracker, AFrameBehindItsReleaseTimeCountsAsDelayUntilThePlayoutRunsDry) {
  PacingTracker tracker(40ms);
  const auto start = Clock::now();
  tracker.on_frame(kFrame, start);
  tracker.on_frame(kFrame, start);  // 40 ms buffered; the next frame is due at +20 ms
  const auto delayed = tracker.on_frame(kFrame, start + 25ms);
  EXPECT_EQ(delayed.delay, 5ms);
  EXPECT_FALSE(delayed.late);  // 60 ms were buffered until +60 ms
  const auto late = tracker.on_frame(kFrame, start + 70ms);
  EXPECT_TRUE(late.late);
  EXPECT_EQ(late.delay, 30ms);  // ideal release at +40 ms
}

TEST(PacingTracker, ResetStartsTheNextStretchAtItsOwnFirstFrame) {
  PacingTracker tracker(120ms);
  const auto start = Clock::now();
  tracker.on_frame(kFrame, start);
  EXPECT_EQ(tracker.playout_end(), start + 20ms);
  tracker.reset();
  EXPECT_FALSE(tracker.playout_end());
  const auto later = start + 5s;
  const auto timing = tracker.on_frame(kFrame, later);
  EXPECT_FALSE(timing.late);
  EXPECT_EQ(timing.delay, Clock::duration::zero());
  EXPECT_EQ(tracker.playout_end(), later + 20ms);
}

}  // namespace
}  // namespace patter::load
