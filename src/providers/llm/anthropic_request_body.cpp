#include "providers/llm/anthropic_request_body.hpp"

#include <boost/json.hpp>

#include "providers/llm/alternating_turns.hpp"
#include "providers/llm/llm_json.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

json::object ephemeral() {
  return json::object{{"type", "ephemeral"}};
}

json::array content_blocks(const AlternatingTurns::Turn& turn) {
  json::array blocks;
  for (const auto& message : turn.messages) {
    if (message.role == Role::tool) {
      json::object result{{"type", "tool_result"}, {"tool_use_id", message.tool_call_id}};
      if (!message.content.empty()) result["content"] = message.content;
      blocks.push_back(std::move(result));
      continue;
    }
    if (!message.content.empty())
      blocks.push_back(json::object{{"type", "text"}, {"text", message.content}});
    for (const auto& call : message.tool_calls) {
      blocks.push_back(json::object{{"type", "tool_use"},
                                    {"id", call.id},
                                    {"name", call.name},
                                    {"input", tool_arguments(call)}});
    }
  }
  return blocks;
}

}  // namespace

std::string anthropic_request_body(const ChatConfig& config, const LlmRequest& request) {
  const auto conversation = alternating_turns(request.messages);
  json::object body;
  body["model"] = config.model;
  body["max_tokens"] = config.max_tokens.value_or(kAnthropicDefaultMaxTokens);
  if (!conversation.system.empty()) {
    json::object system{{"type", "text"}, {"text", conversation.system}};
    if (config.prompt_caching) system["cache_control"] = ephemeral();
    body["system"] = json::array{std::move(system)};
  }
  json::array messages;
  for (const auto& turn : conversation.turns) {
    messages.push_back(json::object{{"role", turn.role == Role::user ? "user" : "assistant"},
                                    {"content", content_blocks(turn)}});
  }
  body["messages"] = std::move(messages);
  if (!request.tools.empty()) {
    json::array tools;
    for (const auto& tool : request.tools) {
      json::object entry{{"name", tool.name}, {"input_schema", tool_parameters(tool)}};
      if (!tool.description.empty()) entry["description"] = tool.description;
      tools.push_back(std::move(entry));
    }
    if (config.prompt_caching) tools.back().as_object()["cache_control"] = ephemeral();
    body["tools"] = std::move(tools);
  }
  if (config.temperature) body["temperature"] = *config.temperature;
  body["stream"] = true;
  return json::serialize(body);
}

}  // namespace patter::providers
