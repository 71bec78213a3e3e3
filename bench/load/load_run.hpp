#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "load_options.hpp"

namespace patter::load {

struct Spread {
  std::uint64_t count = 0;
  double p50_ms = 0.0;
  double p95_ms = 0.0;
  double p99_ms = 0.0;
  double max_ms = 0.0;
};

struct StageFigures {
  std::string name;
  Spread spread;
};

// Everything one load point measured; "window" figures cover the hold window only.
struct LoadReport {
  std::size_t calls = 0;            // planned
  double hold_seconds = 0.0;
  std::size_t calls_connected = 0;
  std::size_t calls_held = 0;       // open through the whole window
  std::size_t calls_completed = 0;  // hung up by the caller as planned, without errors
  std::size_t turns = 0;            // replies heard in full, over the whole run
  std::size_t server_threads = 0;

  double server_cpu_percent = 0.0;  // of one core, over the window
  double cpu_percent_per_call = 0.0;
  double rss_idle_mib = 0.0;        // before the first call
  double rss_hold_mib = 0.0;        // largest during the window
  double rss_per_call_mib = 0.0;
  double harness_cpu_percent = 0.0;  // callers and fakes, for context

  std::uint64_t frames = 0;          // agent frames the callers received in the window
  std::uint64_t late_frames = 0;
  Spread pacing_delay;
  Spread response_latency;
  std::vector<StageFigures> stages;

  std::size_t transcripts_checked = 0;
  std::size_t transcript_mismatches = 0;
  std::vector<std::string> errors;  // the first few, with the call they came from
  std::string loadavg_before;
  std::string loadavg_after;
};

// Runs one load point: the fakes in this process, `patter serve` as a child, options.calls
// callers ramped up, held, hung up. Throws std::runtime_error when the server cannot start or
// the machine cannot open enough sockets.
LoadReport run_load_point(const LoadOptions& options);

}  // namespace patter::load
