#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <patter/audio_format.hpp>

#include "net/url.hpp"

namespace patter::providers {

inline constexpr std::string_view kOpenAiTranscribeKeyVariable = "OPENAI_API_KEY";

enum class OpenAiTranscribeTransport : std::uint8_t {
  // The Realtime API's transcription session: one WebSocket per call, server-side VAD, interim
  // deltas and a final per utterance.
  realtime,
  // POST /v1/audio/transcriptions: one request per utterance, cut by a local energy gate; every
  // result is final.
  rest,
};

// The Realtime session's own voice-activity detection (turn_detection server_vad).
struct OpenAiServerVad {
  double threshold = 0.5;  // 0..1
  int prefix_padding_ms = 300;
  int silence_duration_ms = 500;
};

// How the REST transport finds utterances in the audio before sending them.
struct UtteranceGateConfig {
  float threshold_dbfs = -40.0F;  // loudness scored as even odds of speech
  int min_speech_ms = 100;        // shorter sounds are not speech
  int min_silence_ms = 500;       // silence that ends an utterance
  int padding_ms = 300;           // audio kept before the speech and after it
  // A longer utterance is sent in parts of this length.
  std::chrono::milliseconds max_utterance{std::chrono::seconds(30)};
};

// Everything one OpenAI speech-to-text client needs, resolved: no environment lookups later.
struct OpenAiTranscribeConfig {
  OpenAiTranscribeTransport transport = OpenAiTranscribeTransport::realtime;
  std::string api_key;
  // The API root: the Realtime socket is {base}/realtime (wss), the REST endpoint
  // {base}/audio/transcriptions (https).
  std::string base_url = "https://api.openai.com/v1";
  std::string model = "gpt-4o-transcribe";  // or gpt-4o-mini-transcribe, whisper-1
  std::string language;                     // ISO 639-1; empty: the call's language
  std::string prompt;                       // vocabulary or style hints; empty: none
  // Realtime: what the stream is fed. The carrier's μ-law 8 kHz (g711_ulaw) passes through;
  // A-law 8 kHz (g711_alaw) and PCM16 24 kHz (pcm16) are the others the service takes. REST:
  // μ-law, A-law or PCM16 at 8..48 kHz, sent as a PCM16 WAV.
  AudioFormat input_format = kTelephonyMulaw;
  OpenAiServerVad server_vad;
  std::string noise_reduction;  // "near_field" or "far_field"; empty: off
  UtteranceGateConfig gate;

  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};  // DNS + TCP + TLS
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(5)};
  // Realtime: a dropped socket reconnects at once, then after doubling delays from
  // reconnect_backoff; after reconnect_attempts failures in a row the stream fails.
  int reconnect_attempts = 4;
  std::chrono::milliseconds reconnect_backoff{100};
  // Audio not yet covered by a final is kept this long for replay after a reconnect.
  std::chrono::milliseconds replay_window{std::chrono::seconds(10)};
  // A socket opened by warmup() waits this long for its call's stream.
  std::chrono::milliseconds parked_lifetime{std::chrono::seconds(30)};
  // REST: one utterance's request, and its attempts (the first included). 429 is waited out
  // when its Retry-After is at most max_retry_wait.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  int max_attempts = 3;
  std::chrono::milliseconds max_retry_wait{std::chrono::seconds(5)};
  std::string extra_ca_pem;  // PEM certificates to trust besides the system store
};

// "whisper" for whisper-1, else "openai_transcribe": the provider's name in metrics and prices.
std::string_view openai_transcribe_name(std::string_view model);

// Throws core::Error: missing_credential without a key (naming OPENAI_API_KEY), config_invalid
// for a base URL that is not http(s)/ws(s), an empty model, an input format the transport
// cannot send, VAD or gate settings out of range, or non-positive timings.
void validate(const OpenAiTranscribeConfig& config);

// The Realtime socket's URL (ws:// or wss://) and its query (intent=transcription).
std::string transcription_socket_url(const OpenAiTranscribeConfig& config);
net::QueryParams transcription_socket_query();
// POST target of the REST transport (http:// or https://).
std::string transcriptions_url(const OpenAiTranscribeConfig& config);

// The Realtime name of an input format ("g711_ulaw", "g711_alaw", "pcm16"), or empty.
std::string_view realtime_audio_format(const AudioFormat& format);

// The ISO 639-1 code the API takes: the config's language, else the call's, cut at the first
// '-' or '_' ("en-US" → "en"). Empty when neither is set.
std::string transcription_language(const OpenAiTranscribeConfig& config,
                                   std::string_view call_language);

}  // namespace patter::providers
