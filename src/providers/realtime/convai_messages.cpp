#include "providers/realtime/convai_messages.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <limits>

#include "core/base64.hpp"

namespace patter::providers {

namespace json = boost::json;

std::string initiation_message(const ConvAiInitiation& initiation) {
  json::object agent;
  if (!initiation.prompt.empty()) agent["prompt"] = json::object{{"prompt", initiation.prompt}};
  if (!initiation.first_message.empty()) agent["first_message"] = initiation.first_message;
  if (!initiation.language.empty()) agent["language"] = initiation.language;
  json::object tts;
  if (!initiation.voice_id.empty()) tts["voice_id"] = initiation.voice_id;
  if (!initiation.audio_format.empty()) tts["output_format"] = initiation.audio_format;
  json::object overrides;
  if (!agent.empty()) overrides["agent"] = std::move(agent);
  if (!tts.empty()) overrides["tts"] = std::move(tts);
  if (!initiation.audio_format.empty()) {
    overrides["asr"] = json::object{{"input_format", initiation.audio_format}};
  }
  json::object message{{"type", "conversation_initiation_client_data"},
                       {"conversation_config_override", std::move(overrides)}};
  if (!initiation.dynamic_variables.empty()) {
    json::object variables;
    for (const auto& [name, value] : initiation.dynamic_variables) variables[name] = value;
    message["dynamic_variables"] = std::move(variables);
  }
  return json::serialize(message);
}

std::string user_audio_chunk_message(std::span<const std::uint8_t> audio) {
  return R"({"user_audio_chunk":")" + core::encode_base64(audio) + R"("})";
}

std::string pong_message(std::int64_t event_id) {
  return json::serialize(json::object{{"type", "pong"}, {"event_id", event_id}});
}

std::string tool_result_message(std::string_view call_id, std::string_view result) {
  return json::serialize(json::object{{"type", "client_tool_result"},
                                      {"tool_call_id", call_id},
                                      {"result", result},
                                      {"is_error", false}});
}

std::string user_text_message(std::string_view text) {
  return json::serialize(json::object{{"type", "user_message"}, {"text", text}});
}

std::string user_activity_message() {
  return R"({"type":"user_activity"})";
}

namespace {

const json::object* object_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr ? value->if_object() : nullptr;
}

std::optional<std::string> string_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

// A whole number, or a string holding one (event ids have been seen as both).
std::optional<std::int64_t> integer_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64() &&
      value->as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(value->as_uint64());
  }
  if (value->is_string()) {
    const std::string_view text = value->as_string();
    std::int64_t parsed = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (error == std::errc() && end == text.data() + text.size()) return parsed;
  }
  return std::nullopt;
}

ConvAiMalformed missing(std::string_view type, std::string_view field) {
  return ConvAiMalformed{std::string(type) + " without " + std::string(field)};
}

ConvAiServerMessage parse_metadata(const json::object& event) {
  ConvAiMetadata metadata;
  metadata.conversation_id = string_field(event, "conversation_id").value_or("");
  auto output = string_field(event, "agent_output_audio_format");
  auto input = string_field(event, "user_input_audio_format");
  if (!output) return missing("conversation_initiation_metadata", "agent_output_audio_format");
  if (!input) return missing("conversation_initiation_metadata", "user_input_audio_format");
  metadata.output_format = std::move(*output);
  metadata.input_format = std::move(*input);
  return metadata;
}

ConvAiServerMessage parse_audio(const json::object& event) {
  const auto encoded = string_field(event, "audio_base_64");
  if (!encoded) return missing("audio", "audio_base_64");
  const auto event_id = integer_field(event, "event_id");
  if (!event_id) return missing("audio", "a numeric event_id");
  auto decoded = core::decode_base64(*encoded);
  if (!decoded) return ConvAiMalformed{"audio whose audio_base_64 is not base64"};
  return ConvAiAudio{*event_id, std::move(*decoded)};
}

ConvAiServerMessage parse_tool_call(const json::object& event) {
  auto name = string_field(event, "tool_name");
  auto call_id = string_field(event, "tool_call_id");
  if (!name || name->empty()) return missing("client_tool_call", "tool_name");
  if (!call_id || call_id->empty()) return missing("client_tool_call", "tool_call_id");
  std::string parameters = "{}";
  if (const auto* value = event.if_contains("parameters"); value != nullptr && !value->is_null()) {
    if (!value->is_object()) return ConvAiMalformed{"client_tool_call parameters not an object"};
    parameters = json::serialize(*value);
  }
  return ConvAiToolCall{std::move(*name), std::move(*call_id), std::move(parameters)};
}

ConvAiServerMessage parse_error(const json::object& message) {
  const auto* event = object_field(message, "error_event");
  const auto& fields = event != nullptr ? *event : message;
  for (const auto* key : {"message", "error", "reason"}) {
    if (auto text = string_field(fields, key); text && !text->empty()) {
      return ConvAiServerError{std::move(*text)};
    }
  }
  return ConvAiServerError{json::serialize(message)};
}

}  // namespace

ConvAiServerMessage parse_convai_message(std::string_view text) {
  boost::system::error_code parse_error_code;
  const auto parsed = json::parse(text, parse_error_code);
  if (parse_error_code) return ConvAiMalformed{"not JSON"};
  const auto* message = parsed.if_object();
  if (message == nullptr) return ConvAiMalformed{"not a JSON object"};
  const auto type = string_field(*message, "type");
  if (!type) return ConvAiMalformed{"no type"};

  // Each payload sits under its own key, mostly "<type>_event".
  const auto payload = [&](std::string_view key) { return object_field(*message, key); };
  if (*type == "conversation_initiation_metadata") {
    const auto* event = payload("conversation_initiation_metadata_event");
    return event != nullptr ? parse_metadata(*event)
                            : missing(*type, "conversation_initiation_metadata_event");
  }
  if (*type == "audio") {
    const auto* event = payload("audio_event");
    return event != nullptr ? parse_audio(*event) : missing(*type, "audio_event");
  }
  if (*type == "agent_response") {
    const auto* event = payload("agent_response_event");
    auto text_field = event != nullptr ? string_field(*event, "agent_response") : std::nullopt;
    if (!text_field) return missing(*type, "agent_response_event.agent_response");
    return ConvAiAgentResponse{std::move(*text_field)};
  }
  if (*type == "agent_response_correction") {
    const auto* event = payload("agent_response_correction_event");
    auto corrected =
        event != nullptr ? string_field(*event, "corrected_agent_response") : std::nullopt;
    if (!corrected) return missing(*type, "corrected_agent_response");
    return ConvAiAgentCorrection{string_field(*event, "original_agent_response").value_or(""),
                                 std::move(*corrected)};
  }
  if (*type == "agent_chat_response_part") {
    const auto* part = payload("text_response_part");
    if (part == nullptr) return missing(*type, "text_response_part");
    if (string_field(*part, "type") != "delta") return ConvAiIgnored{*type};
    auto delta = string_field(*part, "text");
    if (!delta) return missing(*type, "text_response_part.text");
    return ConvAiAgentDelta{std::move(*delta)};
  }
  if (*type == "user_transcript") {
    const auto* event = payload("user_transcription_event");
    auto transcript = event != nullptr ? string_field(*event, "user_transcript") : std::nullopt;
    if (!transcript) return missing(*type, "user_transcription_event.user_transcript");
    return ConvAiUserTranscript{std::move(*transcript)};
  }
  if (*type == "interruption") {
    const auto* event = payload("interruption_event");
    const auto event_id = event != nullptr ? integer_field(*event, "event_id") : std::nullopt;
    if (!event_id) return missing(*type, "a numeric interruption_event.event_id");
    return ConvAiInterruption{*event_id};
  }
  if (*type == "ping") {
    const auto* event = payload("ping_event");
    const auto event_id = event != nullptr ? integer_field(*event, "event_id") : std::nullopt;
    if (!event_id) return missing(*type, "a numeric ping_event.event_id");
    return ConvAiPing{*event_id, integer_field(*event, "ping_ms")};
  }
  if (*type == "client_tool_call") {
    const auto* event = payload("client_tool_call");
    return event != nullptr ? parse_tool_call(*event) : missing(*type, "client_tool_call");
  }
  if (*type == "error") return parse_error(*message);
  return ConvAiIgnored{*type};
}

}  // namespace patter::providers
