#include "providers/tts/elevenlabs_config.hpp"

#include <array>

#include <spdlog/fmt/fmt.h>

#include "core/error.hpp"
#include "net/url.hpp"

namespace patter::providers {

namespace {

struct NamedFormat {
  std::string_view name;
  AudioFormat format;
};

constexpr std::array kFormats{
    NamedFormat{"ulaw_8000", kTelephonyMulaw},
    NamedFormat{"pcm_8000", {Encoding::pcm16_le, 8000}},
    NamedFormat{"pcm_16000", {Encoding::pcm16_le, 16000}},
    NamedFormat{"pcm_22050", {Encoding::pcm16_le, 22050}},
    NamedFormat{"pcm_24000", {Encoding::pcm16_le, 24000}},
    NamedFormat{"pcm_44100", {Encoding::pcm16_le, 44100}},
};

[[noreturn]] void invalid(const std::string& message) {
  throw core::Error(core::Errc::config_invalid, "elevenlabs: " + message);
}

void check_unit(const std::optional<double>& value, std::string_view name, double low,
                double high) {
  if (value && (*value < low || *value > high)) {
    invalid(fmt::format("voice_settings.{} must be between {} and {}", name, low, high));
  }
}

}  // namespace

std::optional<AudioFormat> elevenlabs_audio_format(std::string_view output_format) {
  for (const auto& [name, format] : kFormats) {
    if (name == output_format) return format;
  }
  return std::nullopt;
}

std::string_view elevenlabs_provider_name(ElevenLabsTransport transport) {
  return transport == ElevenLabsTransport::websocket ? "elevenlabs_ws" : "elevenlabs";
}

void validate(const ElevenLabsConfig& config) {
  if (config.api_key.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      "elevenlabs: no API key: set the environment variable " +
                          config.api_key_variable + " or pass api_key");
  }
  try {
    const auto endpoint = net::parse_endpoint(config.base_url);
    if (endpoint.scheme != "http" && endpoint.scheme != "https") {
      invalid("base_url must be an http:// or https:// URL, got " + config.base_url);
    }
  } catch (const net::UrlError& error) {
    invalid("base_url " + config.base_url + " is not a URL: " + error.what());
  }
  if (config.voice_id.empty()) invalid("voice is required");
  if (config.model.empty()) invalid("model is required");
  if (!elevenlabs_audio_format(config.output_format)) {
    invalid("output_format must be ulaw_8000 or pcm_8000/16000/22050/24000/44100, got \"" +
            config.output_format + "\"");
  }
  if (config.optimize_streaming_latency &&
      (*config.optimize_streaming_latency < 0 || *config.optimize_streaming_latency > 4)) {
    invalid("optimize_streaming_latency must be 0..4");
  }
  check_unit(config.voice_settings.stability, "stability", 0.0, 1.0);
  check_unit(config.voice_settings.similarity_boost, "similarity_boost", 0.0, 1.0);
  check_unit(config.voice_settings.style, "style", 0.0, 1.0);
  check_unit(config.voice_settings.speed, "speed", 0.7, 1.2);
  if (config.transport == ElevenLabsTransport::websocket && config.model == "eleven_v3") {
    invalid("eleven_v3 is not available over the stream-input WebSocket: use transport http");
  }
  if (config.inactivity_timeout < std::chrono::seconds(5) ||
      config.inactivity_timeout > std::chrono::seconds(180)) {
    invalid("inactivity_timeout must be 5..180 seconds");
  }
  using std::chrono::milliseconds;
  if (config.connect_timeout <= milliseconds::zero() ||
      config.first_byte_timeout <= milliseconds::zero() ||
      config.idle_timeout <= milliseconds::zero() ||
      config.request_timeout <= milliseconds::zero()) {
    invalid("timeouts must be positive");
  }
  if (config.max_attempts < 1) invalid("max_attempts must be at least 1");
}

}  // namespace patter::providers
