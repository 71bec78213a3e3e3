#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/log.hpp"

namespace patter::app {

// Settings for `patter serve`: the `server` and `log` sections of the YAML file, then
// command-line flags on top.
struct ServeConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(10)};
  std::size_t threads = 0;  // event loops; 0 = one per core
  core::LogOptions log;
};

struct ServeOverrides {
  std::optional<std::string> host;
  std::optional<std::uint16_t> port;
  std::optional<std::string> log_format;
  std::optional<std::string> log_level;
};

// Reads `path` (when given) and applies the overrides; throws core::Error with a located
// message on any invalid value.
[[nodiscard]] ServeConfig load_serve_config(const std::optional<std::string>& path,
                                            const ServeOverrides& overrides);

}  // namespace patter::app
