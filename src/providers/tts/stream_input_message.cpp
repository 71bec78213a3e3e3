#include "providers/tts/stream_input_message.hpp"

#include <boost/json.hpp>

#include "core/base64.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

std::string text_of(const json::value* value) {
  if (value == nullptr) return {};
  if (value->is_string()) return std::string(value->as_string());
  if (value->is_null()) return {};
  return json::serialize(*value);
}

}  // namespace

StreamInputMessage parse_stream_input_message(std::string_view text) {
  boost::system::error_code parse_error;
  const auto parsed = json::parse(text, parse_error);
  if (parse_error) throw StreamInputFormatError("not JSON: " + std::string(text.substr(0, 80)));
  const auto* object = parsed.if_object();
  if (object == nullptr) throw StreamInputFormatError("not a JSON object");
  StreamInputMessage message;
  if (const auto* error = object->if_contains("error"); error != nullptr && !error->is_null()) {
    message.error = text_of(error);
    if (message.error.empty()) message.error = "error";
    message.error_message = text_of(object->if_contains("message"));
    return message;
  }
  if (const auto* audio = object->if_contains("audio"); audio != nullptr && !audio->is_null()) {
    if (!audio->is_string()) throw StreamInputFormatError("\"audio\" is not a string");
    auto bytes = core::decode_base64(audio->as_string());
    if (!bytes) throw StreamInputFormatError("audio is not base64");
    message.audio = std::move(*bytes);
  }
  if (const auto* final = object->if_contains("isFinal"); final != nullptr && !final->is_null()) {
    if (!final->is_bool()) throw StreamInputFormatError("\"isFinal\" is not a boolean");
    message.is_final = final->as_bool();
  }
  return message;
}

}  // namespace patter::providers
