#include "load_report.hpp"

#include <cstdio>
#include <string>

namespace patter::load {

namespace {

namespace json = boost::json;

json::object spread_json(const Spread& spread, bool with_p95) {
  json::object out{{"count", spread.count}, {"p50_ms", spread.p50_ms}, {"p99_ms", spread.p99_ms},
                   {"max_ms", spread.max_ms}};
  if (with_p95) out["p95_ms"] = spread.p95_ms;
  return out;
}

std::string format(const char* pattern, double value) {
  char text[32];
  std::snprintf(text, sizeof(text), pattern, value);
  return text;
}

}  // namespace

json::object to_json(const LoadReport& report) {
  json::object stages;
  for (const auto& stage : report.stages) stages[stage.name] = spread_json(stage.spread, false);
  json::array errors;
  for (const auto& error : report.errors) errors.emplace_back(error);
  return {
      {"calls", report.calls},
      {"hold_s", report.hold_seconds},
      {"calls_connected", report.calls_connected},
      {"calls_held", report.calls_held},
      {"calls_completed", report.calls_completed},
      {"turns", report.turns},
      {"server_threads", report.server_threads},
      {"server_cpu_percent", report.server_cpu_percent},
      {"cpu_percent_per_call", report.cpu_percent_per_call},
      {"rss_idle_mib", report.rss_idle_mib},
      {"rss_hold_mib", report.rss_hold_mib},
      {"rss_per_call_mib", report.rss_per_call_mib},
      {"harness_cpu_percent", report.harness_cpu_percent},
      {"frames", report.frames},
      {"late_frames", report.late_frames},
      {"pacing_jitter", spread_json(report.pacing_delay, false)},
      {"response_latency", spread_json(report.response_latency, true)},
      {"added_latency", std::move(stages)},
      {"transcripts_checked", report.transcripts_checked},
      {"transcript_mismatches", report.transcript_mismatches},
      {"errors", std::move(errors)},
      {"loadavg_before", report.loadavg_before},
      {"loadavg_after", report.loadavg_after},
  };
}

std::string format_table(const std::vector<LoadReport>& reports) {
  std::string out =
      "calls  held  cpu%   cpu%/call  rss MiB  MiB/call  jitter p50/p99/max ms   late/frames     "
      "added p99/max ms (stt>llm, sent>tts, tts>frame)        response p50/p95 ms  loadavg\n";
  for (const auto& r : reports) {
    char row[512];
    std::string stages;
    for (const auto& stage : r.stages) {
      if (!stages.empty()) stages += "  ";
      stages += format("%.2f", stage.spread.p99_ms) + "/" + format("%.2f", stage.spread.max_ms);
    }
    std::snprintf(row, sizeof(row), "%5zu %5zu %6.1f %9.3f %8.1f %9.3f   %6.2f/%6.2f/%7.2f   %6llu/%-8llu %-44s %8.0f/%-8.0f  %s\n",
                  r.calls, r.calls_held, r.server_cpu_percent, r.cpu_percent_per_call, r.rss_hold_mib,
                  r.rss_per_call_mib, r.pacing_delay.p50_ms, r.pacing_delay.p99_ms, r.pacing_delay.max_ms,
                  static_cast<unsigned long long>(r.late_frames), static_cast<unsigned long long>(r.frames),
                  stages.c_str(), r.response_latency.p50_ms, r.response_latency.p95_ms,
                  r.loadavg_after.c_str());
    out += row;
  }
  return out;
}

}  // namespace patter::load
