#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <patter/audio_format.hpp>

namespace patter::providers {

// Everything one CartesiaTts needs, resolved: no environment lookups happen later.
struct CartesiaTtsConfig {
  std::string api_key;
  std::string api_key_variable = "CARTESIA_API_KEY";  // named in messages about the key
  std::string base_url = "wss://api.cartesia.ai/tts/websocket";
  std::string version = "2025-04-16";  // the Cartesia-Version header
  std::string model = "sonic-3";
  std::string voice_id = "f786b574-daa5-4673-aa0c-cbe3e8534c02";
  std::string language;  // ISO 639-1; empty: the call's language without its region
  // The carrier's own format by default (pcm_mulaw at 8 kHz), so the audio passes through.
  // Also A-law 8 kHz and PCM16 LE at 8, 16, 22.05, 24 or 44.1 kHz (converted by the call).
  AudioFormat output_format = kTelephonyMulaw;
  // generation_config (sonic-3); unset fields are not sent.
  std::optional<double> speed;             // 0.6..1.5
  std::optional<double> volume;            // 0.5..2.0
  std::string emotion;                     // e.g. "neutral", "calm", "excited"; empty: not sent
  std::optional<int> max_buffer_delay_ms;  // 0..5000; unset: the server's default
  // The sentences of a turn continue one context (one prosody), each closed by a flush; a
  // sentence more than turn_gap after the previous one ended starts a new context.
  bool continue_turns = true;
  std::chrono::milliseconds turn_gap{std::chrono::milliseconds(1500)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // From sending a sentence to its first audio.
  std::chrono::milliseconds first_byte_timeout{std::chrono::seconds(5)};
  // The longest gap between two pieces of a sentence's audio (and before its end).
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(10)};
  // Attempts per sentence, the first included. Only failures before any audio are retried:
  // 5xx, timeouts, dropped connections, and 429 when its Retry-After is at most max_retry_wait.
  int max_attempts = 2;
  std::chrono::milliseconds max_retry_wait{std::chrono::seconds(2)};
  // The call's socket closes after this long without a sentence, or once the call is gone.
  std::chrono::milliseconds socket_idle_timeout{std::chrono::seconds(60)};
  std::string extra_ca_pem;
};

// "cartesia_tts": the provider's name in metrics and in the price list.
inline constexpr std::string_view kCartesiaTtsName = "cartesia_tts";

// Cartesia's name for an output encoding ("pcm_mulaw", "pcm_alaw", "pcm_s16le"), or empty.
std::string_view cartesia_output_encoding(Encoding encoding);

// The /tts/websocket endpoint as a ws:// or wss:// URL (http(s) base URLs are mapped).
std::string cartesia_tts_url(const CartesiaTtsConfig& config);

// Throws core::Error: missing_credential for an empty key (naming CARTESIA_API_KEY),
// config_invalid for a base URL that is not ws(s)/http(s), an empty voice, model or version,
// an output format Cartesia cannot send raw, settings out of range, or non-positive timeouts.
void validate(const CartesiaTtsConfig& config);

}  // namespace patter::providers
