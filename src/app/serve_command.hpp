#pragma once

#include <optional>
#include <string>

#include "app/serve_config.hpp"

namespace patter::app {

// Runs the server until SIGINT or SIGTERM, then stops accepting, closes WebSockets with 1001,
// drains for config.drain_timeout and returns the process exit code. With an `agent` section in
// `config_path` and a `twilio` section, Twilio calls reach that agent.
int run_serve(const ServeConfig& config, const std::optional<std::string>& config_path);

}  // namespace patter::app
