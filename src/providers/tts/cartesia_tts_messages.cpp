#include "providers/tts/cartesia_tts_messages.hpp"

#include <boost/json.hpp>

#include "core/base64.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

constexpr std::size_t kShownBytes = 80;

std::string string_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

}  // namespace

std::string cartesia_generation_request(const CartesiaTtsConfig& config,
                                        const std::string& language, const CartesiaInput& input) {
  json::object request{
      {"model_id", config.model},
      {"transcript", input.transcript},
      {"voice", json::object{{"mode", "id"}, {"id", config.voice_id}}},
      {"context_id", input.context_id},
      {"output_format",
       json::object{{"container", "raw"},
                    {"encoding", cartesia_output_encoding(config.output_format.encoding)},
                    {"sample_rate", config.output_format.sample_rate}}},
      {"continue", input.continues}};
  if (!language.empty()) request["language"] = language;
  if (input.flush) request["flush"] = true;
  if (config.max_buffer_delay_ms) request["max_buffer_delay_ms"] = *config.max_buffer_delay_ms;
  json::object generation;
  if (config.speed) generation["speed"] = *config.speed;
  if (config.volume) generation["volume"] = *config.volume;
  if (!config.emotion.empty()) generation["emotion"] = config.emotion;
  if (!generation.empty()) request["generation_config"] = std::move(generation);
  return json::serialize(request);
}

std::string cartesia_cancel_request(const std::string& context_id) {
  return json::serialize(json::object{{"context_id", context_id}, {"cancel", true}});
}

CartesiaTtsMessage parse_cartesia_tts_message(std::string_view text) {
  boost::system::error_code parse_error;
  const auto parsed = json::parse(text, parse_error);
  if (parse_error) {
    throw CartesiaTtsFormatError("not JSON: " + std::string(text.substr(0, kShownBytes)) +
                                 (text.size() > kShownBytes ? "..." : ""));
  }
  const auto* object = parsed.if_object();
  if (object == nullptr) throw CartesiaTtsFormatError("not a JSON object");
  CartesiaTtsMessage message;
  message.type = string_of(*object, "type");
  if (message.type.empty()) throw CartesiaTtsFormatError("a message without a type");
  message.context_id = string_of(*object, "context_id");
  if (const auto* flush_id = object->if_contains("flush_id");
      flush_id != nullptr && flush_id->is_int64()) {
    message.flush_id = flush_id->as_int64();
  }
  if (message.type == "chunk") {
    const auto* data = object->if_contains("data");
    if (data == nullptr || !data->is_string()) {
      throw CartesiaTtsFormatError("a chunk without data");
    }
    auto bytes = core::decode_base64(data->as_string());
    if (!bytes) throw CartesiaTtsFormatError("chunk data is not base64");
    message.kind = CartesiaTtsMessage::Kind::chunk;
    message.audio = std::move(*bytes);
  } else if (message.type == "flush_done") {
    message.kind = CartesiaTtsMessage::Kind::flush_done;
  } else if (message.type == "done") {
    message.kind = CartesiaTtsMessage::Kind::done;
  } else if (message.type == "error") {
    message.kind = CartesiaTtsMessage::Kind::error;
    const auto title = string_of(*object, "title");
    auto detail = string_of(*object, "message");
    if (detail.empty()) detail = string_of(*object, "error");
    message.error = title.empty() || title == "Error"
                        ? detail
                        : (detail.empty() ? title : title + ": " + detail);
    if (const auto code = string_of(*object, "error_code"); !code.empty()) {
      message.error += (message.error.empty() ? "" : " ") + ("(" + code + ")");
    }
    if (message.error.empty()) message.error = "unspecified error";
    if (const auto* status = object->if_contains("status_code");
        status != nullptr && status->is_number()) {
      message.status = static_cast<int>(status->to_number<double>());
    }
  }
  return message;
}

}  // namespace patter::providers
