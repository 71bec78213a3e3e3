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

inline constexpr std::string_view kInterruptedMarker = "[interrupted]";

struct TurnMetrics {
  int turn_index = 0;
  std::string user_text;
  // What the agent said; ends with kInterruptedMarker when the user cut it off.
  std::string agent_text;
  LatencyBreakdown latency;
  double stt_audio_seconds = 0.0;
  std::size_t tts_characters = 0;
  core::WallTime timestamp{};

  [[nodiscard]] bool interrupted() const { return agent_text.ends_with(kInterruptedMarker); }
};

// The agent text recorded for an interrupted turn: the part actually spoken, then the marker.
std::string interrupted_agent_text(std::string_view spoken_part);

// Per-component statistics over the turns that count: interrupted turns and turns with
// total_ms == 0 are left out, and each component drops its own zero or missing values.
// Components with no values are 0 (plain fields) or absent (optional fields).
struct LatencyAggregate {
  LatencyBreakdown average;
  LatencyBreakdown p50;
  LatencyBreakdown p90;
  LatencyBreakdown p95;
  LatencyBreakdown p99;
};

LatencyAggregate aggregate_latency(std::span<const TurnMetrics> turns);

struct InterruptionCounts {
  int interruptions = 0;  // turns the user cut off
  int backchannels = 0;   // user sounds ("mm-hm") that did not interrupt

  bool operator==(const InterruptionCounts&) const = default;
};

struct CallDescription {
  std::string call_id;
  double duration_seconds = 0.0;
  std::string provider_mode;
  std::string stt_provider;
  std::string tts_provider;
  std::string llm_provider;
  std::string telephony_provider;
};

struct CallMetrics {
  CallDescription call;
  std::vector<TurnMetrics> turns;
  CostBreakdown cost;
  LatencyAggregate latency;
  InterruptionCounts interruptions;
};

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
