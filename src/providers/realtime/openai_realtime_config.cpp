#include "providers/realtime/openai_realtime_config.hpp"

#include "core/error.hpp"

namespace patter::providers {

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw core::Error(core::Errc::config_invalid, "openai_realtime: " + message);
}

void require_positive(std::chrono::milliseconds value, const char* name) {
  if (value.count() <= 0) invalid(std::string(name) + " must be positive");
}

}  // namespace

void validate(const OpenAiRealtimeConfig& config) {
  if (config.api_key.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      "openai_realtime: no API key: set the environment variable " +
                          std::string(kOpenAiKeyVariable) + " or pass api_key");
  }
  try {
    const auto endpoint = net::parse_endpoint(config.base_url);
    if (endpoint.scheme != "ws" && endpoint.scheme != "wss") {
      invalid("base_url must be a wss:// or ws:// URL, got " + config.base_url);
    }
  } catch (const net::UrlError& error) {
    invalid("base_url " + config.base_url + " is not a URL: " + error.what());
  }
  if (config.model.empty()) invalid("model is required");
  if (config.eagerness != "low" && config.eagerness != "medium" && config.eagerness != "high" &&
      config.eagerness != "auto") {
    invalid("eagerness must be low, medium, high or auto, got " + config.eagerness);
  }
  if (config.vad_threshold < 0.0 || config.vad_threshold > 1.0) {
    invalid("vad_threshold must be within 0..1");
  }
  if (config.prefix_padding_ms < 0) invalid("prefix_padding_ms must not be negative");
  if (config.silence_duration_ms < 0) invalid("silence_duration_ms must not be negative");
  if (config.transcription_model.empty()) invalid("transcription_model is required");
  if (config.temperature) {
    if (config.api == OpenAiRealtimeApi::ga) invalid("the GA API has no session temperature");
    if (*config.temperature < 0.6 || *config.temperature > 1.2) {
      invalid("temperature must be within 0.6..1.2");
    }
  }
  if (config.max_output_tokens && (*config.max_output_tokens < 1 || *config.max_output_tokens > 4096)) {
    invalid("max_output_tokens must be within 1..4096");
  }
  require_positive(config.session_ready_timeout, "session_ready_timeout");
  require_positive(config.keepalive_interval, "keepalive_interval");
  require_positive(config.max_pending_audio, "max_pending_audio");
  require_positive(config.connect_timeout, "connect_timeout");
  require_positive(config.handshake_timeout, "handshake_timeout");
}

net::QueryParams realtime_query(const OpenAiRealtimeConfig& config) {
  return {{"model", config.model}};
}

net::HeaderList realtime_headers(const OpenAiRealtimeConfig& config) {
  net::HeaderList headers{{"Authorization", "Bearer " + config.api_key}};
  if (config.api == OpenAiRealtimeApi::beta_v1) headers.emplace_back("OpenAI-Beta", "realtime=v1");
  return headers;
}

AudioFormat session_audio_format(const OpenAiRealtimeConfig& config, AudioFormat carrier) {
  const bool g711 = (carrier.encoding == Encoding::mulaw || carrier.encoding == Encoding::alaw) &&
                    carrier.sample_rate == 8000;
  const bool transcode = config.api == OpenAiRealtimeApi::ga && config.ga_transcode;
  if (g711 && !transcode) return carrier;
  return kRealtimePcm;
}

}  // namespace patter::providers
