#include "app/call_report.hpp"

#include <fmt/format.h>

#include <fstream>
#include <string>

#include "core/error.hpp"

namespace patter::app {

namespace {

std::string ms_or_dash(const std::optional<double>& value) {
  return value ? fmt::format("{:.0f}", *value) : std::string("-");
}

std::string clipped(const std::string& text, std::size_t width) {
  if (text.size() <= width) return text;
  return text.substr(0, width - 3) + "...";
}

}  // namespace

void print_caller_view(const sim::SimulationResult& result, std::ostream& out) {
  out << "The caller's view (ms since the media stream started)\n";
  out << fmt::format("  first agent audio: {}\n", ms_or_dash(result.first_agent_audio_ms));
  if (!result.turns.empty()) {
    out << fmt::format("  {:<34} {:>13}  {:>11}  {:>13}\n", "caller said", "spoke", "reply after",
                       "agent stopped");
  }
  for (const auto& turn : result.turns) {
    const std::string line = turn.kind == "barge_in" ? "(barge-in) " + turn.text : turn.text;
    out << fmt::format("  {:<34} {:>6.0f}-{:<6.0f}  {:>11}  {:>13}\n", clipped(line, 34),
                       turn.started_ms, turn.stopped_ms, ms_or_dash(turn.response_latency_ms),
                       ms_or_dash(turn.agent_stop_ms));
  }
  out << fmt::format(
      "  ended by the {} after {:.1f} s; {} frames sent, {} received, {} marks echoed, {} clears\n",
      result.ended_by, result.duration_ms / 1000.0, result.frames_sent, result.frames_received,
      result.marks_echoed.size(), result.clears_received);
  for (const auto& error : result.errors) out << "  error: " << error << "\n";
}

void print_server_view(const CallEndEvent& call, double call_started, std::ostream& out) {
  out << fmt::format("The agent's view (call {}, ended: {})\n", call.call.call_id, call.reason);
  for (const auto& entry : call.transcript) {
    const char* who = entry.role == "user"        ? "caller"
                      : entry.role == "assistant" ? "agent"
                                                  : entry.role.c_str();
    out << fmt::format("  {:>6.1f} s  {:<7} {}\n", entry.timestamp - call_started, who, entry.text);
  }
  if (!call.metrics) return;
  out << "  latency per turn (ms): stt = end of speech to final transcript, endpoint = to the turn\n"
         "  being committed, llm = to the first token, tts = first text to first audio, response = their sum\n";
  out << fmt::format("  {:>4}  {:<30} {:>6} {:>8} {:>6} {:>6} {:>8}\n", "turn", "heard", "stt", "endpoint", "llm",
                     "tts", "response");
  for (const auto& turn : call.metrics->turns) {
    if (turn.user_text.empty()) continue;  // the greeting
    const auto& latency = turn.latency;
    out << fmt::format("  {:>4}  {:<30} {:>6.0f} {:>8} {:>6} {:>6.0f} {:>8}{}\n", turn.turn_index,
                       clipped(turn.user_text, 30), latency.stt_ms, ms_or_dash(latency.endpoint_ms),
                       ms_or_dash(latency.llm_ttft_ms), latency.tts_ms, ms_or_dash(latency.agent_response_ms),
                       turn.interrupted() ? "  (interrupted)" : "");
  }
  const auto& cost = call.metrics->cost;
  out << fmt::format("  cost: ${:.4f} (telephony {:.4f}, stt {:.4f}, llm {:.4f}, tts {:.4f})\n", cost.total,
                     cost.telephony, cost.stt, cost.llm, cost.tts);
}

void write_json_report(const std::filesystem::path& path, const sim::SimulationResult& result,
                       std::ostream& out) {
  if (path == "-") {
    out << result.to_json() << "\n";
    return;
  }
  std::ofstream file(path);
  file << result.to_json() << "\n";
  if (!file)
    throw core::Error(core::Errc::config_invalid, "cannot write the report to " + path.string());
}

}  // namespace patter::app
