#pragma once

#include <memory>

#include <patter/engine.hpp>

#include "core/config.hpp"

namespace patter::app {

// The agent's speech-to-speech engine from its `engine` section (docs/agent-yaml.md):
// `provider: openai_realtime` or `provider: elevenlabs_convai` with their options. Throws
// core::Error: config_invalid located in the file, or missing_credential naming the variable.
[[nodiscard]] std::shared_ptr<RealtimeEngine> build_engine(const core::ConfigNode& engine);

}  // namespace patter::app
