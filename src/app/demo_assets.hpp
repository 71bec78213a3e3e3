#pragma once

#include <string_view>

namespace patter::app {

// examples/agent.yaml and examples/demo-call.yaml as they were at build time, so `patter demo`
// runs from any directory.
extern const std::string_view kDemoAgentYaml;
extern const std::string_view kDemoCallYaml;

}  // namespace patter::app
