#include "session/metrics.hpp"

#include <array>
#include <numeric>
#include <utility>

#include "session/percentile.hpp"

namespace patter::session {
namespace {

using PlainField = double LatencyBreakdown::*;
using OptionalField = std::optional<double> LatencyBreakdown::*;

constexpr std::array<PlainField, 4> kPlainFields = {
    &LatencyBreakdown::stt_ms, &LatencyBreakdown::llm_ms, &LatencyBreakdown::tts_ms,
    &LatencyBreakdown::total_ms};

constexpr std::array<OptionalField, 7> kOptionalFields = {
    &LatencyBreakdown::llm_ttft_ms,
    &LatencyBreakdown::llm_total_ms,
    &LatencyBreakdown::endpoint_ms,
    &LatencyBreakdown::bargein_ms,
    &LatencyBreakdown::tts_total_ms,
    &LatencyBreakdown::agent_response_ms,
    &LatencyBreakdown::user_speech_duration_ms};

struct Statistics {
  double average;
  double p50;
  double p90;
  double p95;
  double p99;
};

std::optional<Statistics> statistics_of(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  const double sum = std::accumulate(values.begin(), values.end(), 0.0);
  return Statistics{round_to_tenth(sum / static_cast<double>(values.size())),
                    round_to_tenth(percentile_type7(values, 0.50)),
                    round_to_tenth(percentile_type7(values, 0.90)),
                    round_to_tenth(percentile_type7(values, 0.95)),
                    round_to_tenth(percentile_type7(values, 0.99))};
}

template <typename Field, typename Assign>
void store(LatencyAggregate& out, Field field, const Statistics& stats, Assign assign) {
  assign(out.average.*field, stats.average);
  assign(out.p50.*field, stats.p50);
  assign(out.p90.*field, stats.p90);
  assign(out.p95.*field, stats.p95);
  assign(out.p99.*field, stats.p99);
}

}  // namespace

std::string interrupted_agent_text(std::string_view spoken_part) {
  std::string text(spoken_part);
  if (!text.empty()) text += ' ';
  text += kInterruptedMarker;
  return text;
}

LatencyAggregate aggregate_latency(std::span<const TurnMetrics> turns) {
  std::vector<const LatencyBreakdown*> counted;
  for (const auto& turn : turns) {
    // A turn without user words (the greeting, a resumed reply) answered nobody: its "latency"
    // is only the synthesis start and would flatter the averages.
    if (!turn.interrupted() && turn.latency.total_ms != 0.0 && !turn.user_text.empty()) {
      counted.push_back(&turn.latency);
    }
  }
  LatencyAggregate out;
  std::vector<double> values;
  for (const PlainField field : kPlainFields) {
    values.clear();
    for (const auto* latency : counted) {
      if (latency->*field != 0.0) values.push_back(latency->*field);
    }
    if (const auto stats = statistics_of(values)) {
      store(out, field, *stats, [](double& target, double value) { target = value; });
    }
  }
  for (const OptionalField field : kOptionalFields) {
    values.clear();
    for (const auto* latency : counted) {
      const auto& value = latency->*field;
      if (value && *value != 0.0) values.push_back(*value);
    }
    if (const auto stats = statistics_of(values)) {
      store(out, field, *stats,
            [](std::optional<double>& target, double value) { target = value; });
    }
  }
  return out;
}

void CallMetricsRecorder::add_turn(TurnMetrics turn) {
  if (turn.interrupted()) ++counts_.interruptions;
  turns_.push_back(std::move(turn));
}

CallMetrics CallMetricsRecorder::summarize(CallDescription call, CostBreakdown cost) const {
  return CallMetrics{std::move(call), turns_, cost, aggregate_latency(turns_), counts_};
}

}  // namespace patter::session
