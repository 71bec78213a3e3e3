#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/cost_breakdown.hpp"
#include "session/metrics.hpp"

// The values the call store takes in and hands out. Times are unix milliseconds taken from
// the caller's injected clock (wall time); the store never reads a clock itself.
namespace patter::dashboard {

using UnixMs = std::int64_t;

[[nodiscard]] UnixMs to_unix_ms(core::WallTime time);
[[nodiscard]] core::WallTime from_unix_ms(UnixMs ms);

// Statuses that end a call even when no media ever flowed.
[[nodiscard]] bool is_terminal_status(std::string_view status);

inline constexpr std::string_view kStatusInitiated = "initiated";
inline constexpr std::string_view kStatusInProgress = "in-progress";
inline constexpr std::string_view kStatusCompleted = "completed";

// What the carrier or session knows when a call is placed or answered. Empty strings mean
// "unknown": they never overwrite a value already stored.
struct CallInfo {
  std::string call_id;
  std::string caller;
  std::string callee;
  std::string direction;  // "inbound" or "outbound"; empty picks the default of the operation
  std::string telephony_provider;
  std::string provider_mode;
  std::string agent_json;  // a JSON object describing the agent (provider, model, voice...)
  UnixMs at = 0;
};

struct StatusUpdate {
  std::string call_id;
  std::string status;
  UnixMs at = 0;
  std::string caller;
  std::string callee;
  std::optional<double> duration_seconds;
  std::string extra_json;  // a JSON object kept in the status history and sent with the event
};

enum class TranscriptRole { user, assistant, system };

[[nodiscard]] std::string_view role_name(TranscriptRole role);
[[nodiscard]] std::optional<TranscriptRole> parse_role(std::string_view name);

struct TranscriptEntry {
  TranscriptRole role = TranscriptRole::user;
  std::string text;
  UnixMs timestamp = 0;

  bool operator==(const TranscriptEntry&) const = default;
};

struct CallEnd {
  std::string call_id;
  UnixMs at = 0;
  // Without metrics the duration comes from the stored start and every cost and latency is 0.
  std::optional<session::CallMetrics> metrics;
  std::string caller;  // used only when the store has none
  std::string callee;
  std::string status;  // final status when the call is still open; empty means "completed"
  // The authoritative conversation history; when empty the stored transcript is kept.
  std::vector<TranscriptEntry> transcript;
};

// Total-latency statistics of one call, in ms.
struct LatencySummary {
  double average = 0.0;
  double p50 = 0.0;
  double p90 = 0.0;
  double p95 = 0.0;
  double p99 = 0.0;

  bool operator==(const LatencySummary&) const = default;
};

struct CallRecord {
  std::string call_id;
  std::string caller;
  std::string callee;
  std::string direction;
  std::string telephony_provider;
  std::string provider_mode;
  std::string agent_json;
  std::string status;
  UnixMs started_at = 0;
  std::optional<UnixMs> ended_at;  // absent while the call is active
  double duration_seconds = 0.0;
  session::CostBreakdown cost;
  LatencySummary latency;
  int turns_count = 0;
  UnixMs updated_at = 0;
};

struct StatusChange {
  std::string status;
  UnixMs at = 0;
  std::string extra_json;
};

struct CallDetail {
  CallRecord call;
  std::vector<session::TurnMetrics> turns;
  std::vector<TranscriptEntry> transcript;
  std::vector<StatusChange> status_history;
};

struct CostTotals {
  double stt = 0.0;
  double tts = 0.0;
  double llm = 0.0;
  double telephony = 0.0;
};

// Over the newest ended calls in the view window; costs in USD rounded to 6 decimals.
struct Aggregates {
  std::int64_t total_calls = 0;
  double total_cost = 0.0;
  double avg_duration = 0.0;    // seconds, 2 decimals
  double avg_latency_ms = 0.0;  // mean per-call average total latency over calls that have one
  CostTotals cost_breakdown;
  std::int64_t active_calls = 0;
};

}  // namespace patter::dashboard
