#include "providers/stt/cartesia_stt_messages.hpp"

#include <boost/json.hpp>

namespace patter::providers {

namespace json = boost::json;

namespace {

constexpr std::size_t kShownBytes = 120;

std::optional<double> number(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return value->to_number<double>();
}

std::string text(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

CartesiaSttMessage malformed(std::string detail) {
  return CartesiaSttMalformed{std::move(detail)};
}

CartesiaSttMessage transcript(const json::object& message) {
  const auto* spoken = message.if_contains("text");
  if (spoken == nullptr || !spoken->is_string()) return malformed("a transcript without text");
  const auto* final = message.if_contains("is_final");
  if (final != nullptr && !final->is_bool()) return malformed("is_final is not a boolean");
  CartesiaTranscript out;
  out.text = std::string(spoken->as_string());
  out.is_final = final != nullptr && final->as_bool();
  out.duration = number(message, "duration").value_or(0.0);
  out.language = text(message, "language");
  if (const auto* words = message.if_contains("words"); words != nullptr && words->is_array()) {
    for (const auto& word : words->as_array()) {
      if (!word.is_object()) continue;
      const auto start = number(word.as_object(), "start");
      const auto end = number(word.as_object(), "end");
      if (start && !out.first_word_start) out.first_word_start = start;
      if (end) out.last_word_end = end;
    }
  }
  return out;
}

CartesiaSttMessage error(const json::object& message) {
  CartesiaSttError out;
  const auto title = text(message, "title");
  auto detail = text(message, "message");
  if (detail.empty()) detail = text(message, "error");
  out.message = title.empty() ? detail : (detail.empty() ? title : title + ": " + detail);
  if (const auto code = text(message, "error_code"); !code.empty()) {
    out.message += (out.message.empty() ? "" : " ") + ("(" + code + ")");
  }
  if (out.message.empty()) out.message = "unspecified error";
  const auto status = number(message, "status_code");
  const auto code = number(message, "code");
  out.status = static_cast<int>(status.value_or(code.value_or(0.0)));
  return out;
}

}  // namespace

CartesiaSttMessage parse_cartesia_stt_message(std::string_view data) {
  boost::system::error_code parse_error;
  const auto parsed = json::parse(data, parse_error);
  if (parse_error || !parsed.is_object()) {
    const auto shown = std::string(data.substr(0, kShownBytes));
    return malformed("not a JSON object: " + shown + (data.size() > kShownBytes ? "..." : ""));
  }
  const auto& message = parsed.as_object();
  const auto type = text(message, "type");
  if (type == "transcript") return transcript(message);
  if (type == "flush_done") return CartesiaFlushDone{};
  if (type == "done") return CartesiaDone{};
  if (type == "error") return error(message);
  if (type.empty()) return malformed("a message without a type");
  return CartesiaSttOther{type};
}

}  // namespace patter::providers
