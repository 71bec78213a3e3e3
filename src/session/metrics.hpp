#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "session/cost_breakdown.hpp"
#include "session/latency.hpp"

namespace patter::session {

using patter::CallDescription;
using patter::CallMetrics;
using patter::InterruptionCounts;
using patter::kInterruptedMarker;
using patter::LatencyAggregate;
using patter::TurnMetrics;

// The agent text recorded for an interrupted turn: the part actually spoken, then the marker.
std::string interrupted_agent_text(std::string_view spoken_part);

// See LatencyAggregate for which turns and values count.
LatencyAggregate aggregate_latency(std::span<const TurnMetrics> turns);

// Collects the turns of one call and produces its summary at the end.
class CallMetricsRecorder {
 public:
  void add_turn(TurnMetrics turn);
  void add_backchannel() { ++counts_.backchannels; }

  [[nodiscard]] const std::vector<TurnMetrics>& turns() const { return turns_; }
  [[nodiscard]] InterruptionCounts interruptions() const { return counts_; }
  [[nodiscard]] CallMetrics summarize(CallDescription call, CostBreakdown cost) const;

 private:
  std::vector<TurnMetrics> turns_;
  InterruptionCounts counts_;
};

}  // namespace patter::session
