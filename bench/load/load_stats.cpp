#include "load_stats.hpp"

namespace patter::load {

void LoadStats::frame(const FrameTiming& timing, Clock::time_point arrival) {
  if (!in_window(arrival)) return;
  frames_.fetch_add(1, std::memory_order_relaxed);
  if (timing.late) late_frames_.fetch_add(1, std::memory_order_relaxed);
  if (timing.paced) pacing_delay_.record(timing.delay);
}

void LoadStats::response(Clock::duration latency, Clock::time_point at) {
  if (in_window(at)) response_latency_.record(latency);
}

}  // namespace patter::load
