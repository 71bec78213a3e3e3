#include "fakes/fake_openai_realtime_shapes.hpp"

#include <cctype>
#include <cmath>
#include <numbers>

namespace patter::fakes::realtime_shapes {

namespace json = boost::json;

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<WireFormat> beta_format(const json::value* name) {
  if (name == nullptr || !name->is_string()) return std::nullopt;
  if (name->as_string() == "g711_ulaw") return WireFormat{Encoding::mulaw, 8000};
  if (name->as_string() == "g711_alaw") return WireFormat{Encoding::alaw, 8000};
  if (name->as_string() == "pcm16") return WireFormat{};
  return std::nullopt;
}

std::optional<WireFormat> ga_format(const json::value* format) {
  if (format == nullptr || !format->is_object()) return std::nullopt;
  const auto* type = format->as_object().if_contains("type");
  if (type == nullptr || !type->is_string()) return std::nullopt;
  if (type->as_string() == "audio/pcmu") return WireFormat{Encoding::mulaw, 8000};
  if (type->as_string() == "audio/pcma") return WireFormat{Encoding::alaw, 8000};
  if (type->as_string() == "audio/pcm") return WireFormat{};
  return std::nullopt;
}

void merge(json::object& into, const json::object& from) {
  for (const auto& [key, value] : from) {
    auto* existing = into.if_contains(key);
    if (existing != nullptr && existing->is_object() && value.is_object()) {
      merge(existing->as_object(), value.as_object());
    } else {
      into[key] = value;
    }
  }
}

json::object default_session(bool ga, const std::string& model) {
  json::object detection{{"type", "server_vad"},         {"threshold", 0.5},
                         {"prefix_padding_ms", 300},     {"silence_duration_ms", 500},
                         {"create_response", true},      {"interrupt_response", true}};
  if (ga) {
    return {{"type", "realtime"},
            {"object", "realtime.session"},
            {"id", "sess_fake"},
            {"model", model},
            {"output_modalities", json::array{"audio"}},
            {"instructions", ""},
            {"audio",
             json::object{
                 {"input", json::object{{"format", json::object{{"type", "audio/pcm"}, {"rate", 24000}}},
                                        {"transcription", nullptr},
                                        {"turn_detection", detection}}},
                 {"output", json::object{{"format", json::object{{"type", "audio/pcm"}, {"rate", 24000}}},
                                         {"voice", "marin"}}}}},
            {"tools", json::array{}},
            {"tool_choice", "auto"},
            {"max_output_tokens", "inf"}};
  }
  return {{"object", "realtime.session"},
          {"id", "sess_fake"},
          {"model", model},
          {"modalities", json::array{"text", "audio"}},
          {"instructions", ""},
          {"voice", "alloy"},
          {"input_audio_format", "pcm16"},
          {"output_audio_format", "pcm16"},
          {"input_audio_transcription", nullptr},
          {"turn_detection", detection},
          {"tools", json::array{}},
          {"tool_choice", "auto"},
          {"temperature", 0.8},
          {"max_response_output_tokens", "inf"}};
}


std::optional<std::string> verbatim_text(const std::string& instructions) {
  const auto at = lower(instructions).find("say exactly");
  if (at == std::string::npos) return std::nullopt;
  const auto open = instructions.find('"', at);
  const auto close = instructions.rfind('"');
  if (open == std::string::npos || close <= open) return std::nullopt;
  return instructions.substr(open + 1, close - open - 1);
}

std::vector<std::string> split_text(const std::string& text, std::size_t pieces) {
  std::vector<std::string> words;
  for (std::size_t at = 0; at < text.size();) {
    auto next = text.find(' ', at + 1);
    if (next == std::string::npos) next = text.size();
    words.push_back(text.substr(at, next - at));
    at = next;
  }
  std::vector<std::string> out(std::max<std::size_t>(pieces, 1));
  for (std::size_t i = 0; i < words.size(); ++i) out[i * out.size() / words.size()] += words[i];
  return out;
}

std::int64_t word_count(std::string_view text) {
  std::int64_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

std::int16_t tone_sample(double hz, int amplitude, std::int64_t n, int rate) {
  return static_cast<std::int16_t>(
      std::lround(amplitude * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(n) / rate)));
}

FakeResponse rejection(int status) {
  std::string code = "invalid_request_error";
  std::string message = "The request was refused.";
  if (status == 401 || status == 403) {
    code = "invalid_api_key";
    message = "Incorrect API key provided: sk-***. You can find your API key at "
              "https://platform.openai.com/account/api-keys.";
  } else if (status == 429) {
    code = "rate_limit_exceeded";
    message = "Rate limit reached for realtime sessions.";
  }
  json::object body{{"error", json::object{{"message", message},
                                           {"type", "invalid_request_error"},
                                           {"param", nullptr},
                                           {"code", code}}}};
  return {status, {{"Content-Type", "application/json"}}, json::serialize(body)};
}

}  // namespace patter::fakes::realtime_shapes
