#pragma once

#include <filesystem>
#include <ostream>
#include <vector>

#include <patter/events.hpp>

#include "sim/simulation_result.hpp"

namespace patter::app {

// What the simulated caller measured: its lines, when it spoke, how soon the agent answered and
// how soon a barge-in silenced it, then how the call ended and any errors.
void print_caller_view(const sim::SimulationResult& result, std::ostream& out);

// What the server recorded for the call: the transcript as the agent heard and answered it, with
// seconds since `call_started` (unix seconds), and the latency of each turn by stage.
void print_server_view(const CallEndEvent& call, double call_started, std::ostream& out);

// The simulator's JSON report to a file, or to `out` when the path is "-". Throws core::Error
// when the file cannot be written.
void write_json_report(const std::filesystem::path& path, const sim::SimulationResult& result,
                       std::ostream& out);

}  // namespace patter::app
