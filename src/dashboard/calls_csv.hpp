#pragma once

#include <array>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "dashboard/call_records.hpp"

namespace patter::dashboard {

// The export's columns, in the reference's order.
inline constexpr std::array<std::string_view, 15> kCsvColumns = {
    "call_id",  "caller",         "callee",         "direction",   "started_at",
    "ended_at", "duration_s",     "cost_total",     "cost_stt",    "cost_tts",
    "cost_llm", "cost_telephony", "avg_latency_ms", "turns_count", "provider_mode"};

// RFC 4180: a field holding a comma, a quote or a line break is quoted, quotes doubled.
[[nodiscard]] std::string csv_field(std::string_view value);

// Header line then one line per call, CRLF line ends.
void write_calls_csv(std::ostream& out, std::span<const CallRecord> calls);

}  // namespace patter::dashboard
