#include "providers/llm/gemini_request_body.hpp"

#include <boost/json.hpp>

#include "providers/llm/alternating_turns.hpp"
#include "providers/llm/llm_json.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

bool made_here(const std::string& id) {
  return id.empty() || id.starts_with(kGeminiMadeIdPrefix);
}

json::object function_response(const ChatMessage& result) {
  boost::system::error_code error;
  auto parsed = json::parse(result.content, error);
  json::object response;
  if (!error && parsed.is_object()) {
    response = std::move(parsed.as_object());
  } else {
    response["result"] = error ? json::value(result.content) : std::move(parsed);
  }
  json::object part{{"name", result.name}, {"response", std::move(response)}};
  if (!made_here(result.tool_call_id)) part["id"] = result.tool_call_id;
  return json::object{{"functionResponse", std::move(part)}};
}

json::array parts_of(const AlternatingTurns::Turn& turn) {
  json::array parts;
  for (const auto& message : turn.messages) {
    if (message.role == Role::tool) {
      parts.push_back(function_response(message));
      continue;
    }
    if (!message.content.empty()) parts.push_back(json::object{{"text", message.content}});
    for (const auto& call : message.tool_calls) {
      json::object function{{"name", call.name}, {"args", tool_arguments(call)}};
      if (!made_here(call.id)) function["id"] = call.id;
      parts.push_back(json::object{{"functionCall", std::move(function)}});
    }
  }
  return parts;
}

// Gemini takes an OpenAPI subset of JSON Schema: it rejects "$schema" and
// "additionalProperties", which schema generators like to add, and an object schema without
// properties (a function without parameters leaves them out instead).
void strip_unsupported(json::value& schema) {
  if (auto* object = schema.if_object()) {
    object->erase("$schema");
    object->erase("additionalProperties");
    for (auto& entry : *object) strip_unsupported(entry.value());
  } else if (auto* array = schema.if_array()) {
    for (auto& item : *array) strip_unsupported(item);
  }
}

bool has_properties(const json::value& schema) {
  const auto* properties = schema.as_object().if_contains("properties");
  return properties != nullptr && properties->is_object() && !properties->as_object().empty();
}

json::object function_declaration(const ToolSchema& tool) {
  json::object declaration{{"name", tool.name}};
  if (!tool.description.empty()) declaration["description"] = tool.description;
  auto parameters = tool_parameters(tool);
  strip_unsupported(parameters);
  if (has_properties(parameters)) declaration["parameters"] = std::move(parameters);
  return declaration;
}

}  // namespace

std::string gemini_request_body(const ChatConfig& config, const LlmRequest& request) {
  const auto conversation = alternating_turns(request.messages);
  json::object body;
  json::array contents;
  for (const auto& turn : conversation.turns) {
    contents.push_back(json::object{{"role", turn.role == Role::user ? "user" : "model"},
                                    {"parts", parts_of(turn)}});
  }
  body["contents"] = std::move(contents);
  if (!conversation.system.empty()) {
    body["systemInstruction"] =
        json::object{{"parts", json::array{json::object{{"text", conversation.system}}}}};
  }
  if (!request.tools.empty()) {
    json::array declarations;
    for (const auto& tool : request.tools) declarations.push_back(function_declaration(tool));
    body["tools"] = json::array{json::object{{"functionDeclarations", std::move(declarations)}}};
  }
  json::object generation;
  if (config.temperature) generation["temperature"] = *config.temperature;
  if (config.max_tokens) generation["maxOutputTokens"] = *config.max_tokens;
  if (!generation.empty()) body["generationConfig"] = std::move(generation);
  return json::serialize(body);
}

}  // namespace patter::providers
