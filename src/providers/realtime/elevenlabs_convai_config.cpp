#include "providers/realtime/elevenlabs_convai_config.hpp"

#include <array>

#include "core/error.hpp"

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
    NamedFormat{"pcm_48000", {Encoding::pcm16_le, 48000}},
};

constexpr std::string_view kConversationPath = "v1/convai/conversation";

[[noreturn]] void invalid(const std::string& message) {
  throw core::Error(core::Errc::config_invalid, "elevenlabs_convai: " + message);
}

std::string websocket_base(std::string base) {
  if (base.starts_with("https://")) {
    base.replace(0, 5, "wss");
  } else if (base.starts_with("http://")) {
    base.replace(0, 4, "ws");
  }
  return base;
}

}  // namespace

std::optional<AudioFormat> convai_audio_format(std::string_view name) {
  for (const auto& [known, format] : kFormats) {
    if (known == name) return format;
  }
  return std::nullopt;
}

std::string convai_format_name(const AudioFormat& carrier) {
  for (const auto& [name, format] : kFormats) {
    if (format == carrier) return std::string(name);
  }
  return "pcm_16000";
}

std::string conversation_url(const ElevenLabsConvAiConfig& config) {
  return net::join_url(websocket_base(config.base_url), kConversationPath);
}

net::QueryParams conversation_query(const ElevenLabsConvAiConfig& config) {
  return {{"agent_id", config.agent_id}};
}

std::string signed_url_request_url(const ElevenLabsConvAiConfig& config) {
  return net::append_query(
      net::join_url(config.base_url, std::string(kConversationPath) + "/get-signed-url"),
      conversation_query(config));
}

void validate(const ElevenLabsConvAiConfig& config) {
  if (config.api_key.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      "elevenlabs_convai: no API key: set the environment variable " +
                          config.api_key_variable + " or pass api_key");
  }
  if (config.agent_id.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      "elevenlabs_convai: no agent id: set the environment variable " +
                          config.agent_id_variable + " or pass agent_id");
  }
  try {
    const auto endpoint = net::parse_endpoint(config.base_url);
    if (endpoint.scheme != "http" && endpoint.scheme != "https") {
      invalid("base_url must be an http:// or https:// URL, got " + config.base_url);
    }
  } catch (const net::UrlError& error) {
    invalid("base_url " + config.base_url + " is not a URL: " + error.what());
  }
  using std::chrono::milliseconds;
  if (config.connect_timeout <= milliseconds::zero() ||
      config.ready_timeout <= milliseconds::zero() ||
      config.response_done_after <= milliseconds::zero()) {
    invalid("timeouts must be positive");
  }
  if (config.input_chunk < milliseconds(20) || config.input_chunk > milliseconds(250)) {
    invalid("input_chunk must be 20..250 ms");
  }
  if (config.max_pending_audio < milliseconds::zero() ||
      config.max_pong_delay < milliseconds::zero()) {
    invalid("max_pending_audio and max_pong_delay must not be negative");
  }
}

}  // namespace patter::providers
