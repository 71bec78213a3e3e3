#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <patter/audio_format.hpp>

#include "net/url.hpp"

namespace patter::providers {

inline constexpr std::string_view kAssemblyAiKeyVariable = "ASSEMBLYAI_API_KEY";

// Everything one AssemblyAiStt needs, resolved: no environment lookups happen later.
struct AssemblyAiConfig {
  std::string api_key;
  std::string base_url = "wss://streaming.assemblyai.com/v3/ws";
  std::string speech_model = "universal-streaming-english";
  // The carrier's own format (pcm_mulaw), so its bytes reach AssemblyAI untouched; PCM16 LE
  // (pcm_s16le) is the other format the service takes.
  AudioFormat input_format = kTelephonyMulaw;
  // A second, formatted Turn (punctuation, casing) follows each end of turn; the final waits
  // for it, at most final_wait.
  bool format_turns = false;
  double end_of_turn_confidence_threshold = 0.4;
  // Sent as min_turn_silence, the current name of min_end_of_turn_silence_when_confident.
  int min_turn_silence_ms = 400;
  int max_turn_silence_ms = 1280;
  std::vector<std::string> keyterms;  // keyterms_prompt, as a JSON array
  net::QueryParams extra_query;       // any other /v3/ws parameter, passed as given

  // Audio goes out in chunks of this length (the service takes 50 to 1000 ms); a shorter rest
  // is padded with silence when finalize() or close() flushes it.
  std::chrono::milliseconds chunk{50};
  // KeepAlive goes out after this long without audio.
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(5)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};  // DNS + TCP + TLS
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(5)};
  // A dropped stream reconnects at once, then after doubling delays from reconnect_backoff;
  // after reconnect_attempts failures in a row the stream fails.
  int reconnect_attempts = 4;
  std::chrono::milliseconds reconnect_backoff{std::chrono::milliseconds(100)};
  // Audio not yet covered by a final is kept this long for replay after a reconnect.
  std::chrono::milliseconds replay_window{std::chrono::seconds(10)};
  // How long a final may keep the call waiting: an ended turn for its formatted text (with
  // format_turns; then the plain text is final), finalize() for the server's end of turn (then
  // an empty final answers it).
  std::chrono::milliseconds final_wait{std::chrono::seconds(1)};
  // After Terminate, how long close() lets the server flush before closing the socket itself.
  std::chrono::milliseconds termination_wait{std::chrono::milliseconds(500)};
  // AssemblyAI bills the time a session is open, so by default warmup() only resolves,
  // connects and completes TLS. With warmup_opens_session it opens the call's session too
  // (saving the upgrade at call start, billed while it waits) and holds it this long.
  bool warmup_opens_session = false;
  std::chrono::milliseconds parked_lifetime{std::chrono::seconds(30)};
  std::string extra_ca_pem;  // PEM certificates to trust besides the system store
};

// Throws core::Error: missing_credential without a key (naming ASSEMBLYAI_API_KEY),
// config_invalid for a base URL that is not ws(s)/http(s), an empty speech model, an input
// format AssemblyAI does not take, a threshold outside 0..1, a chunk outside 50..1000 ms or
// non-positive timings.
void validate(const AssemblyAiConfig& config);

// The /v3/ws endpoint as a ws:// or wss:// URL (http(s) base URLs are mapped).
std::string streaming_url(const AssemblyAiConfig& config);

// The query of one stream: speech_model, encoding, sample_rate, format_turns, the end-of-turn
// settings and keyterms_prompt. Booleans are "true"/"false".
net::QueryParams streaming_query(const AssemblyAiConfig& config);

// AssemblyAI's name for an encoding ("pcm_mulaw", "pcm_s16le"), or empty when it has none.
std::string_view assemblyai_encoding(Encoding encoding);

}  // namespace patter::providers
