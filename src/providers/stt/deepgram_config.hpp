#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <patter/audio_format.hpp>

#include "net/url.hpp"

namespace patter::providers {

inline constexpr std::string_view kDeepgramKeyVariable = "DEEPGRAM_API_KEY";

// Everything one DeepgramStt needs, resolved: no environment lookups happen later.
struct DeepgramConfig {
  std::string api_key;
  std::string base_url = "wss://api.deepgram.com/v1/listen";
  std::string model = "nova-3";
  std::string language;  // empty: the call's language
  // The carrier's own format, so its bytes reach Deepgram untouched.
  AudioFormat input_format = kTelephonyMulaw;
  bool interim_results = true;
  std::optional<int> endpointing_ms = 150;     // nullopt: endpointing=false
  std::optional<int> utterance_end_ms = 1000;  // nullopt: not asked for; else at least 1000
  bool vad_events = true;
  bool smart_format = true;
  bool punctuate = true;
  bool no_delay = true;
  std::vector<std::string> keyterms;
  net::QueryParams extra_query;  // any other /v1/listen parameter, passed as given

  // KeepAlive goes out after this long without audio (Deepgram closes after 10 s).
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(4)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};  // DNS + TCP + TLS
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(5)};
  // A dropped stream reconnects at once, then after doubling delays from reconnect_backoff;
  // after reconnect_attempts failures in a row the stream fails.
  int reconnect_attempts = 4;
  std::chrono::milliseconds reconnect_backoff{std::chrono::milliseconds(100)};
  // Audio not yet covered by a final is kept this long for replay after a reconnect.
  std::chrono::milliseconds replay_window{std::chrono::seconds(10)};
  // A socket opened by warmup() waits this long for its call's stream, sending KeepAlive.
  std::chrono::milliseconds parked_lifetime{std::chrono::seconds(30)};
  std::string extra_ca_pem;  // PEM certificates to trust besides the system store
};

// Throws core::Error: missing_credential without a key (naming DEEPGRAM_API_KEY), config_invalid
// for a base URL that is not ws(s)/http(s), an empty model, an unsupported input format, an
// utterance_end_ms below 1000 or without interim results, or non-positive timings.
void validate(const DeepgramConfig& config);

// The /v1/listen endpoint as a ws:// or wss:// URL (http(s) base URLs are mapped).
std::string listen_url(const DeepgramConfig& config);

// The query of one stream: model, language (the config's, else `call_language`), encoding,
// sample_rate, channels and the turn-taking and formatting options. Booleans are "true"/"false".
net::QueryParams listen_query(const DeepgramConfig& config, const std::string& call_language);

// Deepgram's name for an encoding ("mulaw", "alaw", "linear16"), or empty when it has none.
std::string_view deepgram_encoding(Encoding encoding);

}  // namespace patter::providers
