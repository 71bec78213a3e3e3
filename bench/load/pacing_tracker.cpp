#include "pacing_tracker.hpp"

#include <algorithm>

namespace patter::load {

namespace {

constexpr std::size_t kSampleRate = 8000;

}  // namespace

Clock::duration PacingTracker::duration_of(std::size_t samples) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(samples * 1'000'000'000 / kSampleRate));
}

FrameTiming PacingTracker::on_frame(std::size_t samples, Clock::time_point arrival) {
  FrameTiming timing;
  if (!open_) {
    open_ = true;
    start_ = arrival;
    samples_ = 0;
    play_end_ = arrival;
  } else {
    timing.late = arrival > play_end_;
  }
  const Clock::duration end = duration_of(samples_ + samples);
  timing.paced = end > lead_;
  const Clock::time_point ideal = start_ + std::max(Clock::duration::zero(), end - lead_);
  timing.delay = std::max(Clock::duration::zero(), arrival - ideal);
  play_end_ = std::max(play_end_, arrival) + duration_of(samples);
  samples_ += samples;
  return timing;
}

}  // namespace patter::load
