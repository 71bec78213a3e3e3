#include "dashboard/api_payloads.hpp"

#include <cmath>

#include "dashboard/call_json.hpp"
#include "dashboard/iso_time.hpp"

namespace patter::dashboard {
namespace {

double round_usd(double value) {
  return std::round(value * 1e6) / 1e6;
}

boost::json::value iso_or_null(std::optional<UnixMs> ms) {
  if (!ms) return nullptr;
  return boost::json::value(format_iso_utc(*ms));
}

}  // namespace

boost::json::object call_detail_to_json(const CallDetail& detail) {
  auto out = call_to_json(detail.call);
  boost::json::array turns;
  for (const auto& turn : detail.turns) turns.push_back(turn_to_json(turn));
  boost::json::array transcript;
  for (const auto& entry : detail.transcript) transcript.push_back(transcript_entry_to_json(entry));
  boost::json::array history;
  for (const auto& change : detail.status_history) {
    history.push_back(boost::json::object{{"status", change.status},
                                          {"at", static_cast<double>(change.at) / 1000.0},
                                          {"extra", parse_json_object(change.extra_json, "extra")}});
  }
  out["turns"] = std::move(turns);
  out["transcript"] = std::move(transcript);
  out["status_history"] = std::move(history);
  return out;
}

boost::json::array calls_to_json(std::span<const CallRecord> calls) {
  boost::json::array out;
  out.reserve(calls.size());
  for (const auto& call : calls) out.push_back(call_to_json(call));
  return out;
}

boost::json::array call_details_to_json(std::span<const CallDetail> calls) {
  boost::json::array out;
  out.reserve(calls.size());
  for (const auto& call : calls) out.push_back(call_detail_to_json(call));
  return out;
}

boost::json::object aggregates_to_json(const Aggregates& aggregates) {
  return {{"total_calls", aggregates.total_calls},
          {"total_cost", aggregates.total_cost},
          {"avg_duration", aggregates.avg_duration},
          {"avg_latency_ms", aggregates.avg_latency_ms},
          {"cost_breakdown",
           {{"stt", aggregates.cost_breakdown.stt},
            {"tts", aggregates.cost_breakdown.tts},
            {"llm", aggregates.cost_breakdown.llm},
            {"telephony", aggregates.cost_breakdown.telephony}}},
          {"active_calls", aggregates.active_calls}};
}

boost::json::object cost_summary_to_json(std::span<const CallRecord> calls, std::optional<UnixMs> from,
                                         std::optional<UnixMs> to) {
  CostTotals totals;
  double total = 0.0;
  for (const auto& call : calls) {
    totals.stt += call.cost.stt;
    totals.tts += call.cost.tts;
    totals.llm += call.cost.llm;
    totals.telephony += call.cost.telephony;
    total += call.cost.total;
  }
  return {{"total_cost", round_usd(total)},
          {"breakdown",
           {{"stt", round_usd(totals.stt)},
            {"tts", round_usd(totals.tts)},
            {"llm", round_usd(totals.llm)},
            {"telephony", round_usd(totals.telephony)}}},
          {"calls_analyzed", calls.size()},
          {"period", {{"from", iso_or_null(from)}, {"to", iso_or_null(to)}}}};
}

}  // namespace patter::dashboard
