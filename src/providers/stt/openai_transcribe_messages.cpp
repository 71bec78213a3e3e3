#include "providers/stt/openai_transcribe_messages.hpp"

#include <boost/json.hpp>
#include <optional>

#include "core/base64.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

constexpr std::size_t kShownBytes = 120;

std::optional<std::string> text_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

std::optional<double> number_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return value->to_number<double>();
}

TranscriptionEvent malformed(std::string_view type, std::string_view what) {
  return TranscriptionMalformed{std::string(type) + " without " + std::string(what)};
}

TranscriptionEvent server_error(const json::object& message) {
  TranscriptionServerError out;
  const auto* error = message.if_contains("error");
  if (error != nullptr && error->is_object()) {
    const auto& fields = error->as_object();
    out.type = text_field(fields, "type").value_or("");
    out.code = text_field(fields, "code").value_or("");
    out.message = text_field(fields, "message").value_or("");
  }
  if (out.message.empty()) out.message = "unspecified error";
  return out;
}

}  // namespace

std::string transcription_session_update(const OpenAiTranscribeConfig& config,
                                         std::string_view language) {
  json::object transcription{{"model", config.model}};
  if (!language.empty()) transcription["language"] = language;
  if (!config.prompt.empty()) transcription["prompt"] = config.prompt;
  json::object session{
      {"input_audio_format", realtime_audio_format(config.input_format)},
      {"input_audio_transcription", std::move(transcription)},
      {"turn_detection",
       json::object{{"type", "server_vad"},
                    {"threshold", config.server_vad.threshold},
                    {"prefix_padding_ms", config.server_vad.prefix_padding_ms},
                    {"silence_duration_ms", config.server_vad.silence_duration_ms}}}};
  if (!config.noise_reduction.empty()) {
    session["input_audio_noise_reduction"] = json::object{{"type", config.noise_reduction}};
  }
  return json::serialize(
      json::object{{"type", "transcription_session.update"}, {"session", std::move(session)}});
}

std::string audio_buffer_append(std::span<const std::uint8_t> bytes) {
  return json::serialize(
      json::object{{"type", "input_audio_buffer.append"}, {"audio", core::encode_base64(bytes)}});
}

std::string audio_buffer_commit() {
  return R"({"type":"input_audio_buffer.commit"})";
}

TranscriptionEvent parse_transcription_event(std::string_view data) {
  boost::system::error_code error;
  const auto parsed = json::parse(data, error);
  if (error || !parsed.is_object()) {
    const auto shown = std::string(data.substr(0, kShownBytes));
    return TranscriptionMalformed{"not a JSON object: " + shown +
                                  (data.size() > kShownBytes ? "..." : "")};
  }
  const auto& message = parsed.as_object();
  const auto type = text_field(message, "type").value_or("");
  if (type.empty()) return TranscriptionMalformed{"an event without a type"};
  if (type == "transcription_session.created") return TranscriptionSessionReady{false};
  if (type == "transcription_session.updated") return TranscriptionSessionReady{true};
  if (type == "error") return server_error(message);
  const auto item = text_field(message, "item_id");
  if (type == "input_audio_buffer.speech_started") {
    const auto start = number_field(message, "audio_start_ms");
    if (!item || !start) return malformed(type, "item_id and audio_start_ms");
    return TranscriptionSpeechStarted{*item, *start};
  }
  if (type == "input_audio_buffer.speech_stopped") {
    const auto end = number_field(message, "audio_end_ms");
    if (!item || !end) return malformed(type, "item_id and audio_end_ms");
    return TranscriptionSpeechStopped{*item, *end};
  }
  if (type == "input_audio_buffer.committed") {
    if (!item) return malformed(type, "item_id");
    return TranscriptionCommitted{*item};
  }
  if (type == "conversation.item.input_audio_transcription.delta") {
    const auto delta = text_field(message, "delta");
    if (!item || !delta) return malformed(type, "item_id and delta");
    return TranscriptionDelta{*item, *delta};
  }
  if (type == "conversation.item.input_audio_transcription.completed") {
    const auto transcript = text_field(message, "transcript");
    if (!item || !transcript) return malformed(type, "item_id and transcript");
    return TranscriptionCompleted{*item, *transcript};
  }
  if (type == "conversation.item.input_audio_transcription.failed") {
    if (!item) return malformed(type, "item_id");
    std::string reason = "no reason given";
    if (const auto* failure = message.if_contains("error"); failure && failure->is_object()) {
      reason = text_field(failure->as_object(), "message").value_or(reason);
    }
    return TranscriptionItemFailed{*item, reason};
  }
  return TranscriptionOther{type};
}

}  // namespace patter::providers
