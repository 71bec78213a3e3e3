#include "providers/stt/openai_transcribe_config.hpp"

#include <optional>

#include "core/error.hpp"

namespace patter::providers {

using std::chrono::milliseconds;

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw core::Error(core::Errc::config_invalid, "openai_transcribe: " + message);
}

// The base URL with its scheme swapped for the transport's: http(s) <-> ws(s).
std::string with_scheme(std::string_view url, bool websocket) {
  const auto swap = [&](std::string_view from, std::string_view to) -> std::optional<std::string> {
    if (!url.starts_with(from)) return std::nullopt;
    return std::string(to) + std::string(url.substr(from.size()));
  };
  if (websocket) {
    if (auto out = swap("https://", "wss://")) return *out;
    if (auto out = swap("http://", "ws://")) return *out;
  } else {
    if (auto out = swap("wss://", "https://")) return *out;
    if (auto out = swap("ws://", "http://")) return *out;
  }
  return std::string(url);
}

bool is_g711(const AudioFormat& format) {
  return (format.encoding == Encoding::mulaw || format.encoding == Encoding::alaw) &&
         format.sample_rate == 8000;
}

}  // namespace

std::string_view openai_transcribe_name(std::string_view model) {
  return model == "whisper-1" ? "whisper" : "openai_transcribe";
}

std::string_view realtime_audio_format(const AudioFormat& format) {
  if (format == kTelephonyMulaw) return "g711_ulaw";
  if (format == kTelephonyAlaw) return "g711_alaw";
  if (format == AudioFormat{Encoding::pcm16_le, 24000}) return "pcm16";
  return {};
}

void validate(const OpenAiTranscribeConfig& config) {
  if (config.api_key.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      "openai_transcribe: no API key: set the environment variable " +
                          std::string(kOpenAiTranscribeKeyVariable) + " or pass api_key");
  }
  try {
    const auto endpoint = net::parse_endpoint(config.base_url);
    if (endpoint.scheme != "https" && endpoint.scheme != "http" && endpoint.scheme != "wss" &&
        endpoint.scheme != "ws") {
      invalid("base_url must be an https:// (or wss://) URL, got " + config.base_url);
    }
  } catch (const net::UrlError& error) {
    invalid("base_url " + config.base_url + " is not a URL: " + error.what());
  }
  if (config.model.empty()) invalid("model is required");
  const auto& format = config.input_format;
  if (config.transport == OpenAiTranscribeTransport::realtime) {
    if (realtime_audio_format(format).empty()) {
      invalid("the Realtime transport takes μ-law or A-law at 8000 Hz or PCM16 at 24000 Hz, not " +
              std::string(to_string(format.encoding)) + " at " +
              std::to_string(format.sample_rate) + " Hz");
    }
  } else if (!is_g711(format) && (format.encoding != Encoding::pcm16_le ||
                                  format.sample_rate < 8000 || format.sample_rate > 48000)) {
    invalid("the REST transport takes μ-law or A-law at 8000 Hz or PCM16 LE at 8000..48000 Hz");
  }
  const auto& vad = config.server_vad;
  if (vad.threshold < 0.0 || vad.threshold > 1.0) invalid("server_vad.threshold must be 0..1");
  if (vad.prefix_padding_ms < 0 || vad.prefix_padding_ms > 10'000) {
    invalid("server_vad.prefix_padding_ms must be 0..10000");
  }
  if (vad.silence_duration_ms < 10 || vad.silence_duration_ms > 10'000) {
    invalid("server_vad.silence_duration_ms must be 10..10000");
  }
  if (!config.noise_reduction.empty() && config.noise_reduction != "near_field" &&
      config.noise_reduction != "far_field") {
    invalid("noise_reduction must be near_field or far_field, got \"" + config.noise_reduction +
            "\"");
  }
  const auto& gate = config.gate;
  if (gate.threshold_dbfs > 0.0F || gate.threshold_dbfs < -90.0F) {
    invalid("gate.threshold_dbfs must be -90..0");
  }
  if (gate.min_speech_ms < 32 || gate.min_silence_ms < 32 || gate.padding_ms < 0) {
    invalid("gate.min_speech_ms and gate.min_silence_ms must be at least 32, padding_ms >= 0");
  }
  if (gate.max_utterance < std::chrono::seconds(1)) invalid("gate.max_utterance must be >= 1 s");
  if (config.connect_timeout <= milliseconds::zero() ||
      config.handshake_timeout <= milliseconds::zero() ||
      config.reconnect_backoff < milliseconds::zero() ||
      config.replay_window <= milliseconds::zero() ||
      config.parked_lifetime <= milliseconds::zero() ||
      config.request_timeout <= milliseconds::zero() ||
      config.max_retry_wait < milliseconds::zero()) {
    invalid("timings must be positive");
  }
  if (config.reconnect_attempts < 0) invalid("reconnect_attempts must not be negative");
  if (config.max_attempts < 1) invalid("max_attempts must be at least 1");
}

std::string transcription_socket_url(const OpenAiTranscribeConfig& config) {
  return net::join_url(with_scheme(config.base_url, true), "realtime");
}

net::QueryParams transcription_socket_query() {
  return {{"intent", "transcription"}};
}

std::string transcriptions_url(const OpenAiTranscribeConfig& config) {
  return net::join_url(with_scheme(config.base_url, false), "audio/transcriptions");
}

std::string transcription_language(const OpenAiTranscribeConfig& config,
                                   std::string_view call_language) {
  const std::string_view language = config.language.empty() ? call_language : config.language;
  return std::string(language.substr(0, language.find_first_of("-_")));
}

}  // namespace patter::providers
