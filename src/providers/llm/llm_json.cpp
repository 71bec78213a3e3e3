#include "providers/llm/llm_json.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/error.hpp"
#include "providers/llm/reply_decoder.hpp"

namespace patter::providers {

namespace json = boost::json;

std::string excerpt(std::string_view data, std::size_t limit) {
  return std::string(data.substr(0, limit)) + (data.size() > limit ? "..." : "");
}

void malformed_chunk(const std::string& what) {
  throw ChatStreamFormatError("malformed stream chunk: " + what);
}

json::object parse_chunk(std::string_view data) {
  boost::system::error_code parse_error;
  auto parsed = json::parse(data, parse_error);
  if (parse_error) malformed_chunk("not JSON: " + excerpt(data));
  if (!parsed.is_object()) malformed_chunk("not a JSON object: " + excerpt(data));
  return std::move(parsed.as_object());
}

std::int64_t token_count(const json::object& object, std::string_view key, std::string_view where) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return 0;
  if (value->is_int64()) return std::max<std::int64_t>(value->as_int64(), 0);
  if (value->is_uint64()) return static_cast<std::int64_t>(value->as_uint64());
  if (value->is_double() && value->as_double() >= 0)
    return static_cast<std::int64_t>(value->as_double());
  malformed_chunk(std::string(where) + "." + std::string(key) + " is not a number");
}

std::optional<std::size_t> index_field(const json::object& object, std::string_view where) {
  const auto* index = object.if_contains("index");
  if (index == nullptr) return std::nullopt;
  if (index->is_int64() && index->as_int64() >= 0)
    return static_cast<std::size_t>(index->as_int64());
  if (index->is_uint64()) return static_cast<std::size_t>(index->as_uint64());
  malformed_chunk(std::string(where) + ".index is not a non-negative integer");
}

const json::string* string_field(const json::object& object, std::string_view key,
                                 std::string_view where) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return nullptr;
  if (!value->is_string())
    malformed_chunk(std::string(where) + "." + std::string(key) + " is not a string");
  return &value->as_string();
}

std::optional<std::string> error_description(const json::value& error) {
  if (error.is_string()) return std::string(error.as_string());
  if (!error.is_object()) return std::nullopt;
  const auto& object = error.as_object();
  std::string message;
  if (const auto* text = object.if_contains("message"); text && text->is_string()) {
    message = std::string(text->as_string());
  }
  // OpenAI's code or type, Anthropic's type, Google's status ("RESOURCE_EXHAUSTED").
  for (const auto* key : {"code", "type", "status"}) {
    const auto* field = object.if_contains(key);
    if (field && field->is_string() && !field->as_string().empty()) {
      message += (message.empty() ? "" : " ") + ("(" + std::string(field->as_string()) + ")");
      break;
    }
  }
  if (message.empty()) return std::nullopt;
  return message;
}

json::value tool_parameters(const ToolSchema& tool) {
  if (tool.parameters_json.empty())
    return json::object{{"type", "object"}, {"properties", json::object{}}};
  boost::system::error_code error;
  auto parameters = json::parse(tool.parameters_json, error);
  if (error || !parameters.is_object()) {
    throw core::Error(core::Errc::config_invalid,
                      "tool " + tool.name + ": parameters must be a JSON Schema object");
  }
  return parameters;
}

json::object tool_arguments(const ToolCall& call) {
  boost::system::error_code error;
  auto arguments = json::parse(call.arguments, error);
  if (error || !arguments.is_object()) return {};
  return std::move(arguments.as_object());
}

}  // namespace patter::providers
