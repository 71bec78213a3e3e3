#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <patter/audio_format.hpp>

namespace patter::providers {

enum class ElevenLabsTransport { http, websocket };

// voice_settings of a request; fields left empty are not sent (the voice's own settings apply).
struct ElevenLabsVoiceSettings {
  std::optional<double> stability;         // 0..1
  std::optional<double> similarity_boost;  // 0..1
  std::optional<double> style;             // 0..1
  std::optional<bool> use_speaker_boost;
  std::optional<double> speed;  // 0.7..1.2

  [[nodiscard]] bool empty() const {
    return !stability && !similarity_boost && !style && !use_speaker_boost && !speed;
  }
};

// Everything one ElevenLabs client needs, resolved: no environment lookups happen later.
struct ElevenLabsConfig {
  ElevenLabsTransport transport = ElevenLabsTransport::http;
  std::string api_key;
  std::string api_key_variable = "ELEVENLABS_API_KEY";  // named in messages about the key
  // https://api.elevenlabs.io; the WebSocket uses the same host with wss:// (ws:// for http://).
  std::string base_url = "https://api.elevenlabs.io";
  std::string voice_id = "EXAVITQu4vr4xnSDxMaL";  // Sarah
  std::string model = "eleven_flash_v2_5";
  // The carrier's own format by default, so the audio needs no conversion at all.
  std::string output_format = "ulaw_8000";
  std::optional<int> optimize_streaming_latency;  // 0..4, HTTP only
  ElevenLabsVoiceSettings voice_settings;
  std::string language_code;   // empty: not sent
  bool enable_logging = true;  // false: ElevenLabs' zero-retention mode
  // The server's wait for more text before it closes a stream-input socket (5..180 s).
  std::chrono::seconds inactivity_timeout{20};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // From sending the text to the first audio.
  std::chrono::milliseconds first_byte_timeout{std::chrono::seconds(5)};
  // The longest silence between two pieces of audio once it flows.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(10)};
  // One sentence, from the request to its last byte.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  // Attempts per sentence, the first included; only failures before any audio are retried.
  int max_attempts = 2;
  // A 429's Retry-After longer than this ends the sentence instead of waiting.
  std::chrono::milliseconds max_retry_wait{std::chrono::seconds(2)};
  // Idle keep-alive connections kept per event loop: one per call speaking at the same time.
  std::size_t max_idle_connections = 64;
  std::string extra_ca_pem;
};

// The audio an ElevenLabs output_format names ("ulaw_8000", "pcm_16000", ...), or nullopt for
// the formats this runtime cannot play without a decoder (MP3, Opus).
std::optional<AudioFormat> elevenlabs_audio_format(std::string_view output_format);

// "elevenlabs" (HTTP) or "elevenlabs_ws": the provider's name in metrics and in the price list.
std::string_view elevenlabs_provider_name(ElevenLabsTransport transport);

// Throws core::Error: missing_credential for an empty key (naming ELEVENLABS_API_KEY),
// config_invalid for a base URL that is not http(s), an empty voice or model, an output format
// that is not raw PCM or μ-law, settings out of range, or non-positive timeouts.
void validate(const ElevenLabsConfig& config);

}  // namespace patter::providers
