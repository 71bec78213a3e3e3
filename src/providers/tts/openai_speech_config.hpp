#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <patter/audio_format.hpp>

namespace patter::providers {

inline constexpr std::string_view kOpenAiSpeechKeyVariable = "OPENAI_API_KEY";
// response_format "pcm": raw PCM16 LE, 24 kHz, mono.
inline constexpr AudioFormat kOpenAiSpeechFormat{Encoding::pcm16_le, 24000};
// The longest input /audio/speech takes, in characters.
inline constexpr std::size_t kOpenAiSpeechMaxInput = 4096;

// Everything one OpenAI text-to-speech client needs, resolved: no environment lookups later.
struct OpenAiSpeechConfig {
  std::string api_key;
  std::string base_url = "https://api.openai.com/v1";  // the API root; POSTs {base}/audio/speech
  std::string model = "tts-1";                         // or tts-1-hd, gpt-4o-mini-tts
  std::string voice = "alloy";
  std::optional<double> speed;  // 0.25..4; unset: the service's 1.0
  std::string instructions;     // how to speak; gpt-4o-mini-tts only
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // From sending the sentence to its first audio.
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

// "openai_tts_hd" for tts-1-hd, else "openai_tts": the provider's name in metrics and prices.
std::string_view openai_speech_name(std::string_view model);

// Throws core::Error: missing_credential without a key (naming OPENAI_API_KEY), config_invalid
// for a base URL that is not http(s), an empty model or voice, a speed outside 0.25..4,
// instructions with a model other than gpt-4o-mini-tts, or non-positive timeouts.
void validate(const OpenAiSpeechConfig& config);

// POST target: {base_url}/audio/speech.
std::string speech_url(const OpenAiSpeechConfig& config);
// {"model","input","voice","response_format":"pcm","speed"?,"instructions"?}
std::string speech_body(const OpenAiSpeechConfig& config, std::string_view text);

}  // namespace patter::providers
