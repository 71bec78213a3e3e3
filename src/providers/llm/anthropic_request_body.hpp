#pragma once

#include <string>

#include <patter/providers.hpp>

#include "providers/llm/chat_config.hpp"

namespace patter::providers {

// Anthropic requires max_tokens; this is the limit when none is configured.
inline constexpr int kAnthropicDefaultMaxTokens = 1024;

// The JSON body of a streaming POST /v1/messages: model, max_tokens, the system prompt apart
// (a text block), the conversation as alternating user and assistant turns (see
// alternating_turns.hpp) with tool calls as tool_use blocks and their results as tool_result
// blocks, the tools with their input_schema, the optional temperature, and stream: true. With
// config.prompt_caching the system block and the last tool carry cache_control (ephemeral), so
// the prompt prefix they end is cached across the turns of a call. Throws core::Error
// (config_invalid) when a tool's parameters are not a JSON object.
std::string anthropic_request_body(const ChatConfig& config, const LlmRequest& request);

}  // namespace patter::providers
