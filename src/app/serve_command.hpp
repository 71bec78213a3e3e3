#pragma once

#include "app/serve_config.hpp"

namespace patter::app {

// Runs the server until SIGINT or SIGTERM, then stops accepting, closes WebSockets with 1001,
// drains for config.drain_timeout and returns the process exit code.
int run_serve(const ServeConfig& config);

}  // namespace patter::app
