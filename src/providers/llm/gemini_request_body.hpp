#pragma once

#include <string>
#include <string_view>

#include <patter/providers.hpp>

#include "providers/llm/chat_config.hpp"

namespace patter::providers {

// Gemini names a function call only in the Live API; a call without an id gets one made here,
// with this prefix, so the call's result can be matched to it. Such ids are not sent back.
inline constexpr std::string_view kGeminiMadeIdPrefix = "gemini_call_";

// The JSON body of a streaming POST .../models/{model}:streamGenerateContent: the system prompt
// as systemInstruction, the conversation as contents alternating between the roles user and
// model (see alternating_turns.hpp) with tool calls as functionCall parts and their results as
// functionResponse parts (a result that is not a JSON object is wrapped as {"result": ...}), the
// tools as functionDeclarations, and generationConfig with the optional temperature and
// maxOutputTokens. Throws core::Error (config_invalid) when a tool's parameters are not a JSON
// object.
std::string gemini_request_body(const ChatConfig& config, const LlmRequest& request);

}  // namespace patter::providers
