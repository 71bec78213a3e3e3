#include "providers/stt/deepgram_messages.hpp"

#include <boost/json.hpp>

namespace patter::providers {

namespace json = boost::json;

namespace {

constexpr std::size_t kShownBytes = 120;

std::optional<double> number(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_double()) return value->as_double();
  if (value->is_int64()) return static_cast<double>(value->as_int64());
  if (value->is_uint64()) return static_cast<double>(value->as_uint64());
  return std::nullopt;
}

bool flag(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_bool() && value->as_bool();
}

std::string text(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

DeepgramMessage malformed(std::string detail) {
  return DeepgramMalformed{std::move(detail)};
}

DeepgramMessage results(const json::object& message) {
  const auto* channel = message.if_contains("channel");
  if (channel == nullptr || !channel->is_object()) return malformed("Results without a channel");
  const auto* alternatives = channel->as_object().if_contains("alternatives");
  if (alternatives == nullptr || !alternatives->is_array()) {
    return malformed("Results without alternatives");
  }
  DeepgramResults out;
  out.is_final = flag(message, "is_final");
  out.speech_final = flag(message, "speech_final");
  out.from_finalize = flag(message, "from_finalize");
  const auto start = number(message, "start");
  const auto duration = number(message, "duration");
  if (!start || !duration) return malformed("Results without start and duration");
  out.start = *start;
  out.duration = *duration;
  const auto& list = alternatives->as_array();
  if (list.empty()) return out;
  if (!list.front().is_object()) return malformed("an alternative that is not an object");
  const auto& best = list.front().as_object();
  const auto* transcript = best.if_contains("transcript");
  if (transcript == nullptr || !transcript->is_string()) {
    return malformed("an alternative without a transcript");
  }
  out.transcript = std::string(transcript->as_string());
  out.confidence = number(best, "confidence").value_or(0.0);
  if (const auto* words = best.if_contains("words"); words != nullptr && words->is_array()) {
    for (const auto& word : words->as_array()) {
      if (!word.is_object()) continue;
      const auto word_start = number(word.as_object(), "start");
      const auto word_end = number(word.as_object(), "end");
      if (word_start && !out.first_word_start) out.first_word_start = word_start;
      if (word_end) out.last_word_end = word_end;
    }
  }
  return out;
}

}  // namespace

DeepgramMessage parse_deepgram_message(std::string_view data) {
  boost::system::error_code error;
  const auto parsed = json::parse(data, error);
  if (error || !parsed.is_object()) {
    const auto shown = std::string(data.substr(0, kShownBytes));
    return malformed("not a JSON object: " + shown + (data.size() > kShownBytes ? "..." : ""));
  }
  const auto& message = parsed.as_object();
  const auto type = text(message, "type");
  if (type == "Results") return results(message);
  if (type == "SpeechStarted") {
    return DeepgramSpeechStarted{number(message, "timestamp").value_or(0.0)};
  }
  if (type == "UtteranceEnd") {
    const auto end = number(message, "last_word_end");
    if (!end) return malformed("UtteranceEnd without last_word_end");
    return DeepgramUtteranceEnd{*end};
  }
  if (type == "Metadata") {
    return DeepgramMetadata{text(message, "request_id"), number(message, "duration").value_or(0.0)};
  }
  if (type == "Error") {
    std::string description = text(message, "description");
    if (description.empty()) description = text(message, "message");
    const auto variant = text(message, "variant");
    if (!variant.empty()) description += (description.empty() ? "" : " ") + ("(" + variant + ")");
    return DeepgramServerError{description.empty() ? "unspecified error" : description};
  }
  if (type.empty()) return malformed("a message without a type");
  return DeepgramOther{type};
}

}  // namespace patter::providers
