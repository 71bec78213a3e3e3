#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <patter/audio_format.hpp>
#include <patter/realtime.hpp>

#include "net/http_client.hpp"
#include "net/url.hpp"

namespace patter::providers {

inline constexpr std::string_view kOpenAiKeyVariable = "OPENAI_API_KEY";
inline constexpr std::string_view kOpenAiRealtimeUrl = "wss://api.openai.com/v1/realtime";
inline constexpr std::string_view kBetaDefaultModel = "gpt-realtime-mini";
inline constexpr std::string_view kGaDefaultModel = "gpt-realtime";
inline constexpr std::string_view kDefaultVoice = "alloy";
// OpenAI Realtime's only PCM format: 16-bit little-endian mono at 24 kHz.
inline constexpr AudioFormat kRealtimePcm{Encoding::pcm16_le, 24000};

using realtime::OpenAiRealtimeApi;
using realtime::OpenAiTurnDetection;

// Everything one OpenAiRealtimeEngine needs, resolved: no environment lookups happen later.
struct OpenAiRealtimeConfig {
  std::string api_key;
  std::string base_url{kOpenAiRealtimeUrl};
  OpenAiRealtimeApi api = OpenAiRealtimeApi::beta_v1;
  std::string model{kBetaDefaultModel};
  std::string voice;  // empty: the call's voice, else kDefaultVoice
  OpenAiTurnDetection turn_detection = OpenAiTurnDetection::server_vad;
  double vad_threshold = 0.5;
  int prefix_padding_ms = 300;
  int silence_duration_ms = 300;
  std::string eagerness = "auto";
  std::string transcription_model = "whisper-1";
  std::optional<double> temperature;
  std::optional<int> max_output_tokens;
  bool ga_transcode = false;
  std::chrono::milliseconds session_ready_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(20)};
  std::chrono::milliseconds max_pending_audio{std::chrono::seconds(5)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};  // DNS + TCP + TLS
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  std::string extra_ca_pem;
};

// Throws core::Error: missing_credential without a key (naming OPENAI_API_KEY), config_invalid
// for a base URL that is not ws:// or wss://, an empty model, an eagerness other than
// low/medium/high/auto, a threshold outside 0..1, negative padding or silence, a temperature
// on the GA API, a non-positive max_output_tokens or timing.
void validate(const OpenAiRealtimeConfig& config);

// The socket's URL query: model=<model>.
net::QueryParams realtime_query(const OpenAiRealtimeConfig& config);
// Authorization, plus OpenAI-Beta: realtime=v1 on the beta API.
net::HeaderList realtime_headers(const OpenAiRealtimeConfig& config);

// The audio the session is configured for: the carrier's own format when the service takes
// it (μ-law or A-law 8 kHz, unless ga_transcode on the GA API, or PCM16 24 kHz), else PCM16
// 24 kHz, converted at the boundary.
AudioFormat session_audio_format(const OpenAiRealtimeConfig& config, AudioFormat carrier);

}  // namespace patter::providers
