#pragma once

#include <optional>
#include <span>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "dashboard/call_records.hpp"

// The JSON bodies of the dashboard API, shaped like the reference's responses.
namespace patter::dashboard {

// A call with its turns, transcript and status history.
[[nodiscard]] boost::json::object call_detail_to_json(const CallDetail& detail);
[[nodiscard]] boost::json::array calls_to_json(std::span<const CallRecord> calls);
[[nodiscard]] boost::json::array call_details_to_json(std::span<const CallDetail> calls);
[[nodiscard]] boost::json::object aggregates_to_json(const Aggregates& aggregates);
// {total_cost, breakdown{stt,tts,llm,telephony}, calls_analyzed, period{from,to}}
[[nodiscard]] boost::json::object cost_summary_to_json(std::span<const CallRecord> calls,
                                                       std::optional<UnixMs> from, std::optional<UnixMs> to);

}  // namespace patter::dashboard
