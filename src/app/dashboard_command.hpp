#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

namespace patter::app {

// `patter dashboard`: the web dashboard and its API over stored calls, taking no calls.
struct DashboardCommandOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  // The call store. Default: the serve default (~/.local/share/patter/calls.db), or, with a
  // log folder, a private database made for this run and removed at exit.
  std::optional<std::filesystem::path> database;
  std::string token;  // required beyond loopback; default $PATTER_DASHBOARD_TOKEN
  // A reference-compatible call log (PATTER_LOG_DIR layout) loaded into the store at start;
  // deletions made in the dashboard are recorded in its .deleted_call_ids.json.
  std::optional<std::filesystem::path> log_dir;
  std::filesystem::path web_root;  // the built SPA; empty: searched
};

// Serves until SIGINT or SIGTERM; returns the process exit code. Prints the dashboard's URL
// to `out` once it listens.
int run_dashboard(const DashboardCommandOptions& options, std::ostream& out);

}  // namespace patter::app
