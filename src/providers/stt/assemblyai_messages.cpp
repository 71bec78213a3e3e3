#include "providers/stt/assemblyai_messages.hpp"

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

std::optional<bool> boolean(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_bool()) return std::nullopt;
  return value->as_bool();
}

std::optional<std::string> text(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

AssemblyAiMessage malformed(std::string detail) {
  return AssemblyAiMalformed{std::move(detail)};
}

AssemblyAiMessage turn(const json::object& message) {
  AssemblyAiTurn out;
  const auto order = number(message, "turn_order");
  const auto end_of_turn = boolean(message, "end_of_turn");
  auto transcript = text(message, "transcript");
  if (!order || *order < 0) return malformed("Turn without a turn_order");
  if (!end_of_turn) return malformed("Turn without end_of_turn");
  if (!transcript) return malformed("Turn without a transcript");
  out.turn_order = static_cast<std::int64_t>(*order);
  out.end_of_turn = *end_of_turn;
  out.turn_is_formatted = boolean(message, "turn_is_formatted").value_or(false);
  out.transcript = std::move(*transcript);
  const auto* words = message.if_contains("words");
  if (words == nullptr) return out;
  if (!words->is_array()) return malformed("Turn words that are not a list");
  for (const auto& item : words->as_array()) {
    if (!item.is_object()) return malformed("a Turn word that is not an object");
    const auto& word = item.as_object();
    auto spoken = text(word, "text");
    const auto start = number(word, "start");
    const auto end = number(word, "end");
    if (!spoken || !start || !end) return malformed("a Turn word without text, start and end");
    out.words.push_back({std::move(*spoken), *start, *end, number(word, "confidence").value_or(0.0),
                         boolean(word, "word_is_final").value_or(false)});
  }
  return out;
}

}  // namespace

AssemblyAiMessage parse_assemblyai_message(std::string_view data) {
  boost::system::error_code error;
  const auto parsed = json::parse(data, error);
  if (error || !parsed.is_object()) {
    const auto shown = std::string(data.substr(0, kShownBytes));
    return malformed("not a JSON object: " + shown + (data.size() > kShownBytes ? "..." : ""));
  }
  const auto& message = parsed.as_object();
  const auto type = text(message, "type").value_or("");
  if (type == "Turn") return turn(message);
  if (type == "Begin") return AssemblyAiBegin{text(message, "id").value_or("")};
  if (type == "SpeechStarted") return AssemblyAiSpeechStarted{};
  if (type == "Termination") {
    return AssemblyAiTermination{number(message, "audio_duration_seconds").value_or(0.0),
                                 number(message, "session_duration_seconds").value_or(0.0)};
  }
  if (type == "Error") {
    const auto code = number(message, "error_code").value_or(0.0);
    auto description = text(message, "error").value_or("");
    return AssemblyAiServerError{static_cast<int>(code),
                                 description.empty() ? "unspecified error" : description};
  }
  if (type.empty()) return malformed("a message without a type");
  return AssemblyAiOther{type};
}

}  // namespace patter::providers
