#pragma once

#include <string>

#include <patter/providers.hpp>

#include "providers/llm/chat_config.hpp"

namespace patter::providers {

// The JSON body of a streaming POST /chat/completions: model, messages (assistant tool calls and
// tool results included), tools as function schemas, stream with include_usage, and the
// optional temperature and max tokens. Throws core::Error (config_invalid) when a tool's
// parameters are not a JSON object.
std::string chat_request_body(const ChatConfig& config, const LlmRequest& request);

}  // namespace patter::providers
