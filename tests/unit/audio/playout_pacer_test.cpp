#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "audio/playout_pacer.hpp"
#include "core/manual_clock.hpp"

namespace patter::audio {
namespace {

using namespace std::chrono_literals;
using core::Duration;

constexpr std::size_t kFrameBytes = 160;  // 20 ms of μ-law at 8 kHz

struct Release {
  Duration at;  // since the test started
  std::size_t samples;
  Duration timestamp;
  std::uint8_t first_byte;
};

class PacerTest : public ::testing::Test {
 protected:
  void make_pacer(PacerOptions options = {}, AudioFormat format = kTelephonyMulaw) {
    pacer_ = std::make_unique<PlayoutPacer>(
        clock_, format, options,
        PlayoutPacer::Callbacks{[this](const FrameView& frame) {
                                  releases_.push_back({elapsed(), frame.sample_count(),
                                                       frame.timestamp, frame.bytes[0]});
                                  if (on_release_) on_release_(frame);
                                },
                                [this] { drained_at_.push_back(elapsed()); },
                                [this] { played_out_at_.push_back(elapsed()); }});
  }
  void push_frames(int count, std::size_t bytes = kFrameBytes) {
    for (int i = 0; i < count; ++i) {
      const std::vector<std::uint8_t> frame(bytes, static_cast<std::uint8_t>(next_tag_++));
      ASSERT_TRUE(pacer_->push(frame));
    }
  }
  [[nodiscard]] Duration elapsed() const { return clock_.now() - start_; }
  void advance_to(Duration since_start) { clock_.advance_to(start_ + since_start); }
  [[nodiscard]] std::size_t played_at(Duration since_start) const {
    return pacer_->played_samples(start_ + since_start);
  }

  core::ManualClock clock_;
  core::TimePoint start_ = clock_.now();
  std::unique_ptr<PlayoutPacer> pacer_;
  std::vector<Release> releases_;
  std::vector<Duration> drained_at_;
  std::vector<Duration> played_out_at_;
  std::function<void(const FrameView&)> on_release_;
  int next_tag_ = 0;
};

TEST_F(PacerTest, ReleasesTheLeadAtOnceThenOneFrameEvery20Ms) {
  make_pacer();
  push_frames(10);
  ASSERT_EQ(releases_.size(), 3U) << "60 ms of lead go out at once";
  advance_to(1s);
  ASSERT_EQ(releases_.size(), 10U);
  for (std::size_t k = 0; k < releases_.size(); ++k) {
    const Duration expected = k < 3 ? 0ms : 20ms * static_cast<int>(k - 2);
    EXPECT_EQ(releases_[k].at, expected) << "frame " << k;
    EXPECT_EQ(releases_[k].timestamp, 20ms * static_cast<int>(k));
    EXPECT_EQ(releases_[k].first_byte, k);
  }
}

TEST_F(PacerTest, NeverHoldsMoreThanTheLeadAtTheFarEnd) {
  make_pacer({.lead = 60ms});
  on_release_ = [this](const FrameView&) {
    EXPECT_LE(pacer_->released_samples() - pacer_->played_samples(clock_.now()), 480U);
  };
  push_frames(50);
  for (int step = 0; step < 1100; ++step) {
    clock_.advance(1ms);
    ASSERT_LE(pacer_->released_samples() - pacer_->played_samples(clock_.now()), 480U);
  }
  EXPECT_EQ(releases_.size(), 50U);
}

TEST_F(PacerTest, KnowsExactlyWhatWasReleasedAndPlayed) {
  make_pacer();
  push_frames(10);
  EXPECT_EQ(pacer_->released_samples(), 480U);
  EXPECT_EQ(pacer_->queued_samples(), 1120U);
  EXPECT_EQ(pacer_->pushed_samples(), 1600U);
  EXPECT_EQ(played_at(0ms), 0U);
  advance_to(35ms);
  EXPECT_EQ(pacer_->released_samples(), 4U * 160);
  EXPECT_EQ(played_at(35ms), 280U);
  EXPECT_DOUBLE_EQ(pacer_->played_ms(clock_.now()), 35.0);
  EXPECT_DOUBLE_EQ(pacer_->released_ms(), 80.0);
  EXPECT_EQ(played_at(35ms + 124999ns), 280U) << "a sample counts once it has fully played";
  EXPECT_EQ(played_at(35ms + 125000ns), 281U);
  advance_to(10s);
  EXPECT_EQ(pacer_->played_samples(clock_.now()), 1600U);
  EXPECT_DOUBLE_EQ(pacer_->played_ms(clock_.now()), 200.0);
}

// Frames pushed one by one while the lead is not yet full are released (and so drained) at once.
TEST_F(PacerTest, DrainedWhenAllIsReleasedAndPlayedOutWhenTheFarEndFinishes) {
  make_pacer();
  push_frames(10);
  advance_to(1s);
  EXPECT_EQ(drained_at_, (std::vector<Duration>{0ms, 0ms, 0ms, 140ms}));
  EXPECT_EQ(played_out_at_, std::vector<Duration>{200ms});
}

TEST_F(PacerTest, MoreAudioBeforePlayOutPostponesTheEvent) {
  make_pacer();
  push_frames(2);
  EXPECT_EQ(drained_at_, (std::vector<Duration>{0ms, 0ms}));
  advance_to(30ms);
  push_frames(1);
  advance_to(1s);
  EXPECT_EQ(drained_at_, (std::vector<Duration>{0ms, 0ms, 30ms}));
  EXPECT_EQ(played_out_at_, std::vector<Duration>{60ms});
}

TEST_F(PacerTest, ClearDropsUnreleasedAudioAndFreezesThePlayedPosition) {
  make_pacer();
  push_frames(10);
  advance_to(30ms);
  ASSERT_EQ(releases_.size(), 4U);
  const std::size_t drained_before = drained_at_.size();
  const auto cleared = pacer_->clear();
  EXPECT_EQ(cleared.unreleased_samples, 6U * 160);
  EXPECT_EQ(cleared.unplayed_samples, 640U - 240U);
  EXPECT_EQ(pacer_->queued_samples(), 0U);
  advance_to(2s);
  EXPECT_EQ(releases_.size(), 4U);
  EXPECT_EQ(played_at(2s), 240U);
  EXPECT_TRUE(played_out_at_.empty());
  EXPECT_EQ(drained_at_.size(), drained_before);

  // The next turn starts at the end of what was released; the caller hears it from the start.
  const std::size_t turn_start = pacer_->pushed_samples();
  EXPECT_EQ(turn_start, 640U);
  push_frames(5);
  EXPECT_EQ(releases_.size(), 7U);
  EXPECT_EQ(releases_[4].timestamp, 80ms);
  advance_to(2s + 50ms);
  EXPECT_EQ(played_at(2s + 50ms) - turn_start, 400U);
}

TEST_F(PacerTest, LateStartOrUnderrunResumesWithoutCatchUpBurst) {
  make_pacer();
  push_frames(3);
  advance_to(500ms);
  EXPECT_EQ(played_at(500ms), 480U);
  push_frames(10);
  ASSERT_EQ(releases_.size(), 6U) << "only the lead goes out after an underrun";
  advance_to(2s);
  ASSERT_EQ(releases_.size(), 13U);
  for (std::size_t k = 6; k < 13; ++k) {
    EXPECT_EQ(releases_[k].at, 500ms + 20ms * static_cast<int>(k - 5)) << "frame " << k;
  }
  EXPECT_EQ(played_at(510ms), 480U + 80U);
  EXPECT_EQ(played_out_at_, (std::vector<Duration>{60ms, 700ms}));
}

TEST_F(PacerTest, PauseHoldsFramesWhileTheFarEndKeepsPlaying) {
  make_pacer();
  push_frames(6);
  pacer_->pause();
  EXPECT_TRUE(pacer_->paused());
  advance_to(200ms);
  EXPECT_EQ(releases_.size(), 3U);
  EXPECT_EQ(played_at(200ms), 480U);
  pacer_->resume();
  EXPECT_EQ(releases_.size(), 6U);
  EXPECT_EQ(releases_[5].at, 200ms);
  advance_to(1s);
  EXPECT_EQ(played_out_at_, std::vector<Duration>{260ms});
}

TEST_F(PacerTest, FramesLongerThanTheLeadGoOutJustInTime) {
  make_pacer({.lead = 10ms});
  push_frames(4);
  advance_to(1s);
  ASSERT_EQ(releases_.size(), 4U);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(releases_[k].at, 20ms * static_cast<int>(k));
}

// Rates whose samples last a fractional number of nanoseconds, and frames of any length: each
// frame goes out at the first nanosecond the lead allows, never earlier and never later.
TEST_F(PacerTest, ReleasesAtTheExactInstantTheLeadAllowsForAnyFrameSize) {
  const AudioFormat format{Encoding::pcm16_le, 24000};
  const std::size_t lead_samples = 1440;
  make_pacer({.lead = 60ms}, format);
  std::mt19937 random(5);
  std::vector<std::size_t> sizes;
  Duration previous_release = -1ns;
  on_release_ = [&](const FrameView& frame) {
    const auto now = clock_.now();
    const std::size_t allowed =
        lead_samples > frame.sample_count() ? lead_samples - frame.sample_count() : 0;
    const std::size_t released_before = pacer_->released_samples() - frame.sample_count();
    EXPECT_LE(released_before - pacer_->played_samples(now), allowed);
    // The first frame of each timer-driven batch must not have been allowed a nanosecond earlier.
    if (elapsed() > 0ns && elapsed() != previous_release) {
      EXPECT_GT(released_before - pacer_->played_samples(now - 1ns), allowed);
    }
    previous_release = elapsed();
  };
  std::size_t total = 0;
  for (int i = 0; i < 200; ++i) {
    const std::size_t samples = 1 + random() % 1000;
    total += samples;
    ASSERT_TRUE(pacer_->push(std::vector<std::uint8_t>(samples * 2, 1)));
  }
  advance_to(60s);
  EXPECT_EQ(pacer_->released_samples(), total);
  EXPECT_EQ(pacer_->played_samples(clock_.now()), total);
  ASSERT_EQ(played_out_at_.size(), 1U);
  EXPECT_EQ(played_out_at_[0], format.duration_of(total));
}

TEST_F(PacerTest, SinkMayPushOrClearFromInsideTheCallback) {
  make_pacer();
  bool pushed = false;
  on_release_ = [&](const FrameView&) {
    if (!pushed) {
      pushed = true;
      push_frames(1);
    }
  };
  push_frames(1);
  EXPECT_EQ(releases_.size(), 2U);
  EXPECT_EQ(releases_[1].first_byte, 1);

  advance_to(1s);
  pacer_->pause();
  push_frames(5);
  const std::size_t drained_before = drained_at_.size();
  on_release_ = [&](const FrameView&) { pacer_->clear(); };
  pacer_->resume();
  EXPECT_EQ(releases_.size(), 3U) << "the barge-in in the sink stops the batch";
  on_release_ = nullptr;
  advance_to(2s);
  EXPECT_EQ(releases_.size(), 3U);
  EXPECT_EQ(drained_at_.size(), drained_before);
  EXPECT_EQ(pacer_->queued_samples(), 0U);
}

TEST_F(PacerTest, RefusesFramesBeyondTheQueueLimit) {
  make_pacer({.lead = 20ms, .max_queued = 100ms});
  push_frames(6);  // one released, five (100 ms) queued
  EXPECT_FALSE(pacer_->push(std::vector<std::uint8_t>(kFrameBytes, 0)));
  EXPECT_EQ(pacer_->queued_samples(), 800U);
  advance_to(20ms);
  EXPECT_TRUE(pacer_->push(std::vector<std::uint8_t>(kFrameBytes, 0)));
}

TEST_F(PacerTest, RejectsPartialSamplesForeignFormatsAndAMissingSink) {
  make_pacer({}, {Encoding::pcm16_le, 16000});
  EXPECT_THROW(pacer_->push(std::vector<std::uint8_t>(3, 0)), std::invalid_argument);
  const std::vector<std::uint8_t> bytes(160);
  EXPECT_THROW(pacer_->push(FrameView{kTelephonyMulaw, bytes}), std::invalid_argument);
  EXPECT_TRUE(pacer_->push(FrameView{{Encoding::pcm16_le, 16000}, bytes}));
  EXPECT_TRUE(pacer_->push(std::span<const std::uint8_t>{}));
  EXPECT_THROW(PlayoutPacer(clock_, kTelephonyMulaw, {}, {}), std::invalid_argument);
}

TEST_F(PacerTest, DestroyingThePacerCancelsItsTimers) {
  make_pacer();
  push_frames(10);
  EXPECT_GT(clock_.pending(), 0U);
  pacer_.reset();
  EXPECT_EQ(clock_.pending(), 0U);
  advance_to(1s);
  EXPECT_EQ(releases_.size(), 3U);
}

}  // namespace
}  // namespace patter::audio
