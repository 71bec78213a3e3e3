#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "dashboard/call_records.hpp"

namespace patter::dashboard {

// Parses a JSON object handed in by a caller; empty text is an empty object. Anything else
// throws core::Error(bad_request) naming `what`.
[[nodiscard]] boost::json::object parse_json_object(std::string_view text, std::string_view what);

// {stt, tts, llm, telephony, total, llm_cached_savings}
[[nodiscard]] boost::json::object cost_to_json(const session::CostBreakdown& cost);
[[nodiscard]] boost::json::object call_to_json(const CallRecord& call);
[[nodiscard]] boost::json::object turn_to_json(const session::TurnMetrics& turn);
[[nodiscard]] boost::json::object transcript_entry_to_json(const TranscriptEntry& entry);

}  // namespace patter::dashboard
