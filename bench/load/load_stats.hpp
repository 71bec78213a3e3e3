#pragma once

#include <atomic>
#include <cstdint>

#include "pacing_tracker.hpp"
#include "session/latency_histogram.hpp"

namespace patter::load {

// What every caller measured inside the hold window, gathered across caller threads.
class LoadStats {
 public:
  LoadStats(Clock::time_point window_start, Clock::time_point window_end)
      : window_start_(window_start), window_end_(window_end) {}

  [[nodiscard]] bool in_window(Clock::time_point at) const { return at >= window_start_ && at < window_end_; }
  void frame(const FrameTiming& timing, Clock::time_point arrival);
  // From the caller's last spoken frame to the first agent frame after it.
  void response(Clock::duration latency, Clock::time_point at);

  [[nodiscard]] session::HistogramSnapshot pacing_delay() const { return pacing_delay_.snapshot(); }
  [[nodiscard]] session::HistogramSnapshot response_latency() const { return response_latency_.snapshot(); }
  [[nodiscard]] std::uint64_t frames() const { return frames_.load(); }
  [[nodiscard]] std::uint64_t late_frames() const { return late_frames_.load(); }

 private:
  Clock::time_point window_start_;
  Clock::time_point window_end_;
  session::LatencyHistogram pacing_delay_;
  session::LatencyHistogram response_latency_;
  std::atomic<std::uint64_t> frames_{0};
  std::atomic<std::uint64_t> late_frames_{0};
};

}  // namespace patter::load
