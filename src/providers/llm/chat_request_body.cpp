#include "providers/llm/chat_request_body.hpp"

#include <boost/json.hpp>

#include "providers/llm/llm_json.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

json::object tool_call_json(const ToolCall& call) {
  return json::object{
      {"id", call.id},
      {"type", "function"},
      {"function", json::object{{"name", call.name},
                                {"arguments", call.arguments.empty() ? "{}" : call.arguments}}}};
}

json::object message_json(const ChatMessage& message) {
  json::object out;
  out["role"] = to_string(message.role);
  if (message.role == Role::assistant && !message.tool_calls.empty()) {
    // The API wants null, not "", for an assistant turn that only calls tools.
    out["content"] = message.content.empty() ? json::value(nullptr) : json::value(message.content);
    json::array calls;
    for (const auto& call : message.tool_calls) calls.push_back(tool_call_json(call));
    out["tool_calls"] = std::move(calls);
  } else {
    out["content"] = message.content;
  }
  if (message.role == Role::tool) out["tool_call_id"] = message.tool_call_id;
  return out;
}

}  // namespace

std::string chat_request_body(const ChatConfig& config, const LlmRequest& request) {
  json::object body;
  body["model"] = config.model;
  json::array messages;
  for (const auto& message : request.messages) messages.push_back(message_json(message));
  body["messages"] = std::move(messages);
  if (!request.tools.empty()) {
    json::array tools;
    for (const auto& tool : request.tools) {
      json::object function{{"name", tool.name}, {"parameters", tool_parameters(tool)}};
      if (!tool.description.empty()) function["description"] = tool.description;
      tools.push_back(json::object{{"type", "function"}, {"function", std::move(function)}});
    }
    body["tools"] = std::move(tools);
  }
  if (config.temperature) body["temperature"] = *config.temperature;
  if (config.max_tokens) body[config.max_tokens_field] = *config.max_tokens;
  body["stream"] = true;
  body["stream_options"] = json::object{{"include_usage", true}};
  return json::serialize(body);
}

}  // namespace patter::providers
