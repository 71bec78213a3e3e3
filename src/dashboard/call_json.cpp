#include "dashboard/call_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <string>

#include "core/error.hpp"

namespace patter::dashboard {
namespace {

double unix_seconds(UnixMs ms) {
  return static_cast<double>(ms) / 1000.0;
}

boost::json::object latency_to_json(const session::LatencyBreakdown& latency) {
  boost::json::object out{{"stt_ms", latency.stt_ms},
                          {"llm_ms", latency.llm_ms},
                          {"tts_ms", latency.tts_ms},
                          {"total_ms", latency.total_ms}};
  const auto put = [&out](std::string_view key, const std::optional<double>& value) {
    if (value) out[key] = *value;
  };
  put("llm_ttft_ms", latency.llm_ttft_ms);
  put("llm_total_ms", latency.llm_total_ms);
  put("endpoint_ms", latency.endpoint_ms);
  put("bargein_ms", latency.bargein_ms);
  put("tts_total_ms", latency.tts_total_ms);
  put("agent_response_ms", latency.agent_response_ms);
  put("user_speech_duration_ms", latency.user_speech_duration_ms);
  return out;
}

}  // namespace

boost::json::object parse_json_object(std::string_view text, std::string_view what) {
  if (text.empty()) return {};
  boost::system::error_code error;
  auto value = boost::json::parse(text, error);
  if (error || !value.is_object()) {
    throw core::Error(core::Errc::bad_request, std::string(what) + " must be a JSON object");
  }
  return std::move(value.as_object());
}

boost::json::object cost_to_json(const session::CostBreakdown& cost) {
  return {{"stt", cost.stt},
          {"tts", cost.tts},
          {"llm", cost.llm},
          {"telephony", cost.telephony},
          {"total", cost.total},
          {"llm_cached_savings", cost.llm_cached_savings}};
}

boost::json::object call_to_json(const CallRecord& call) {
  boost::json::object out{
      {"call_id", call.call_id},
      {"caller", call.caller},
      {"callee", call.callee},
      {"direction", call.direction},
      {"status", call.status},
      {"started_at", unix_seconds(call.started_at)},
      {"ended_at", call.ended_at ? boost::json::value(unix_seconds(*call.ended_at))
                                 : boost::json::value(nullptr)},
      {"duration_seconds", call.duration_seconds},
      {"telephony_provider", call.telephony_provider},
      {"provider_mode", call.provider_mode},
      {"agent", parse_json_object(call.agent_json, "agent")},
      {"turns_count", call.turns_count},
      {"cost", cost_to_json(call.cost)},
      {"latency",
       {{"avg_total_ms", call.latency.average},
        {"p50_total_ms", call.latency.p50},
        {"p90_total_ms", call.latency.p90},
        {"p95_total_ms", call.latency.p95},
        {"p99_total_ms", call.latency.p99}}},
  };
  return out;
}

boost::json::object turn_to_json(const session::TurnMetrics& turn) {
  return {{"turn_index", turn.turn_index},
          {"user_text", turn.user_text},
          {"agent_text", turn.agent_text},
          {"interrupted", turn.interrupted()},
          {"latency", latency_to_json(turn.latency)},
          {"stt_audio_seconds", turn.stt_audio_seconds},
          {"tts_characters", turn.tts_characters},
          {"timestamp", unix_seconds(to_unix_ms(turn.timestamp))}};
}

boost::json::object transcript_entry_to_json(const TranscriptEntry& entry) {
  return {{"role", role_name(entry.role)},
          {"text", entry.text},
          {"timestamp", unix_seconds(entry.timestamp)}};
}

}  // namespace patter::dashboard
