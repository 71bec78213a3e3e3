// patter_load: drives simulated Twilio calls against `patter serve` (agent on faked cloud
// providers) and reports capacity, pacing and added latency. See docs/performance.md.
#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>

#include "load_report.hpp"
#include "load_run.hpp"

#ifndef PATTER_LOAD_DEFAULT_BINARY
#define PATTER_LOAD_DEFAULT_BINARY ""
#endif

int main(int argc, char** argv) {
  using namespace patter::load;
  using std::chrono::milliseconds;
  CLI::App app{"Load and latency harness for patter serve"};
  LoadOptions options;
  options.patter = PATTER_LOAD_DEFAULT_BINARY;
  options.work_dir = std::filesystem::temp_directory_path() / "patter-load";
  std::vector<std::size_t> sweep;
  double ramp_s = 5.0;
  double hold_s = 10.0;
  std::string json_path;
  app.add_option("--calls", options.calls, "Concurrent calls (default 50)")->check(CLI::Range(1, 5000));
  app.add_option("--sweep", sweep, "Several load points in turn, e.g. --sweep 50,100,200 (overrides --calls)")
      ->delimiter(',')
      ->check(CLI::Range(1, 5000));
  app.add_option("--ramp-s", ramp_s, "Seconds over which the calls start (default 5)")->check(CLI::Range(0.0, 600.0));
  app.add_option("--hold-s", hold_s, "Seconds of the measured window (default 10)")->check(CLI::Range(1.0, 3600.0));
  app.add_option("--patter", options.patter, "The patter binary (default: the one built with this harness)");
  app.add_option("--work-dir", options.work_dir, "Agent file, server log and call store (default $TMPDIR/patter-load)");
  app.add_option("--server-threads", options.server_threads, "Server event-loop threads (default 0: one per core)");
  app.add_option("--caller-threads", options.caller_threads, "Threads driving the callers (default 1)")
      ->check(CLI::Range(1, 64));
  app.add_flag("!--no-dashboard", options.dashboard, "Run the server without its call store");
  app.add_flag("--verify", options.verify_transcripts, "Check every stored transcript against what was said");
  app.add_option("--llm-ttft-ms", options.llm_ttft, "Fake LLM time to first token (default 250)");
  app.add_option("--tts-first-byte-ms", options.tts_first_byte, "Fake TTS time to first audio (default 150)");
  app.add_option("--tts-chunk-interval-ms", options.tts_chunk_interval,
                 "Fake TTS: one 40 ms chunk of audio every this many ms (default 5: eight times real time)")
      ->check(CLI::Range(1, 40));
  app.add_option("--stt-latency-ms", options.stt_latency, "Fake Deepgram delay per message (default 30)");
  app.add_option("--json", json_path, "Write the reports as JSON to this file (- for standard output)");
  CLI11_PARSE(app, argc, argv);
  options.ramp = milliseconds(static_cast<long>(ramp_s * 1000));
  options.hold = milliseconds(static_cast<long>(hold_s * 1000));
  if (sweep.empty()) sweep.push_back(options.calls);
  spdlog::set_level(spdlog::level::warn);

  std::vector<LoadReport> reports;
  boost::json::array json_reports;
  for (const auto calls : sweep) {
    options.calls = calls;
    std::cerr << "load point: " << calls << " calls, " << hold_s << " s held\n";
    try {
      reports.push_back(run_load_point(options));
    } catch (const std::exception& error) {
      std::cerr << "patter_load: " << error.what() << "\n";
      return 2;
    }
    json_reports.push_back(to_json(reports.back()));
    for (const auto& error : reports.back().errors) std::cerr << "  " << error << "\n";
  }
  std::cout << format_table(reports);
  const std::string json = boost::json::serialize(json_reports);
  if (json_path == "-") {
    std::cout << json << "\n";
  } else if (!json_path.empty()) {
    std::ofstream(json_path) << json << "\n";
  }
  for (const auto& report : reports) {
    if (report.calls_completed != report.calls) return 1;
  }
  return 0;
}
