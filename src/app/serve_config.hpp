#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/log.hpp"
#include "server/patter_server.hpp"

namespace patter::app {

// Settings for `patter serve`: the `server` and `log` sections of the YAML file, then
// command-line flags on top.
// The call store and its dashboard API (`dashboard` section).
struct DashboardConfig {
  bool enabled = true;
  std::filesystem::path database;  // SQLite file; see default_database_path()
  std::string token;               // required when the server listens beyond loopback
  std::filesystem::path web_root;  // the built SPA served at /; empty: searched
};

struct ServeConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(10)};
  std::size_t threads = 0;  // event loops; 0 = one per core
  core::LogOptions log;
  DashboardConfig dashboard;
  // The `twilio` section: calls arrive through Twilio when set.
  std::optional<server::TwilioSettings> twilio;
  // The file has an `agent` section (loaded separately, see agent_config.hpp).
  bool has_agent = false;
};

struct ServeOverrides {
  std::optional<std::string> host;
  std::optional<std::uint16_t> port;
  std::optional<std::string> log_format;
  std::optional<std::string> log_level;
  std::optional<std::string> dashboard_database;
  bool no_dashboard = false;
};

// $XDG_DATA_HOME/patter/calls.db, else ~/.local/share/patter/calls.db.
[[nodiscard]] std::filesystem::path default_database_path();

// Reads `path` (when given) and applies the overrides; throws core::Error with a located
// message on any invalid value.
[[nodiscard]] ServeConfig load_serve_config(const std::optional<std::string>& path,
                                            const ServeOverrides& overrides);

}  // namespace patter::app
