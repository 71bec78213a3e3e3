#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <patter/audio_format.hpp>

#include "net/url.hpp"

namespace patter::providers {

inline constexpr std::string_view kCartesiaKeyVariable = "CARTESIA_API_KEY";

// Everything one CartesiaStt needs, resolved: no environment lookups happen later.
struct CartesiaSttConfig {
  std::string api_key;
  std::string base_url = "wss://api.cartesia.ai/stt/websocket";
  std::string version = "2025-04-16";  // the Cartesia-Version header
  std::string model = "ink-whisper";
  std::string language;  // empty: the call's language
  // Cartesia recommends PCM16 at 16 kHz; the call converts the carrier's μ-law once. μ-law
  // 8 kHz (pcm_mulaw) and A-law are accepted here for a service that takes them as they are.
  AudioFormat input_format = kPcm16k;
  std::optional<double> min_volume;                 // 0..1, quieter audio counts as silence
  std::optional<double> max_silence_duration_secs;  // silence that ends a segment
  net::QueryParams extra_query;                     // any other query parameter, as given

  // A WebSocket ping goes out after this long without a message from the server; the socket
  // counts as dropped when the next interval passes in silence too.
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(10)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};  // DNS + TCP + TLS
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(5)};
  // A dropped stream reconnects at once, then after doubling delays from reconnect_backoff;
  // after reconnect_attempts failures in a row the stream fails.
  int reconnect_attempts = 4;
  std::chrono::milliseconds reconnect_backoff{std::chrono::milliseconds(100)};
  // Audio not yet covered by a final is kept this long for replay after a reconnect.
  std::chrono::milliseconds replay_window{std::chrono::seconds(10)};
  // Cartesia closes a socket that got no audio for 20 s. A close after this long without
  // audio is taken as that: the stream reconnects when audio comes again, not at once.
  std::chrono::milliseconds idle_close_after{std::chrono::seconds(15)};
  // A socket opened by warmup() waits this long for its call's stream (less than Cartesia's
  // 20 s idle limit).
  std::chrono::milliseconds parked_lifetime{std::chrono::seconds(15)};
  std::string extra_ca_pem;  // PEM certificates to trust besides the system store
};

// Throws core::Error: missing_credential without a key (naming CARTESIA_API_KEY),
// config_invalid for a base URL that is not ws(s)/http(s), an empty model or version, an
// unsupported input format, min_volume outside 0..1, a non-positive max silence, or
// non-positive timings.
void validate(const CartesiaSttConfig& config);

// The /stt/websocket endpoint as a ws:// or wss:// URL (http(s) base URLs are mapped).
std::string cartesia_stt_url(const CartesiaSttConfig& config);

// The query of one stream: model, language (the config's, else `call_language` without its
// region), encoding,
// sample_rate, the optional segmenting settings and extra_query.
net::QueryParams cartesia_stt_query(const CartesiaSttConfig& config,
                                    const std::string& call_language);

// Cartesia's name for an encoding ("pcm_s16le", "pcm_mulaw", "pcm_alaw"), or empty.
std::string_view cartesia_encoding(Encoding encoding);

}  // namespace patter::providers
