#include "fakes/fake_openai_audio_parts.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <numbers>

namespace patter::fakes::openai_audio {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr double kToneHz = 440.0;
constexpr double kToneAmplitude = 6000.0;
constexpr int kSpeechRate = 24000;

}  // namespace

std::string error_body(std::string_view type, std::string_view code, std::string_view message,
                       std::string_view param) {
  json::object error{{"message", message},
                     {"type", type},
                     {"param", param.empty() ? json::value(nullptr) : json::value(param)},
                     {"code", code.empty() ? json::value(nullptr) : json::value(code)}};
  return json::serialize(json::object{{"error", std::move(error)}});
}

FakeResponse json_response(int status, std::string body, FakeHeaders headers) {
  headers.emplace_back("Content-Type", "application/json");
  return FakeResponse{status, std::move(headers), std::move(body)};
}

FakeResponse invalid_request(std::string_view message, std::string_view param,
                             std::string_view code) {
  return json_response(400, error_body("invalid_request_error", code, message, param));
}

std::optional<FakeResponse> check_key(const FakeRequest& request, const std::string& api_key) {
  if (request.header("Authorization") == "Bearer " + api_key) return std::nullopt;
  return json_response(401, error_body("invalid_request_error", "invalid_api_key",
                                       "Incorrect API key provided. You can find your API key "
                                       "at https://platform.openai.com/account/api-keys."));
}

boost::asio::awaitable<void> pause(milliseconds delay) {
  if (delay > milliseconds::zero()) co_await sleep_for(delay);
}

std::string transcript_for(const FakeOpenAiAudioOptions& options, State& state,
                           const std::vector<std::string>& words) {
  const auto scripted = state.locked([&]() -> std::optional<std::string> {
    if (state.scripted_used >= options.transcripts.size()) return std::nullopt;
    return options.transcripts[state.scripted_used++];
  });
  if (scripted) return *scripted;
  std::string joined;
  for (const auto& word : words) joined += (joined.empty() ? "" : " ") + word;
  return joined;
}

std::string tone(std::size_t characters, milliseconds per_character) {
  const auto samples =
      static_cast<std::size_t>(characters * per_character.count() * kSpeechRate / 1000);
  std::string bytes(samples * 2, '\0');
  for (std::size_t i = 0; i < samples; ++i) {
    const auto value = static_cast<std::uint16_t>(static_cast<std::int16_t>(
        std::lround(kToneAmplitude * std::sin(2.0 * std::numbers::pi * kToneHz *
                                              static_cast<double>(i) / kSpeechRate))));
    bytes[2 * i] = static_cast<char>(value & 0xFFU);
    bytes[2 * i + 1] = static_cast<char>(value >> 8U);
  }
  return bytes;
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

}  // namespace patter::fakes::openai_audio
