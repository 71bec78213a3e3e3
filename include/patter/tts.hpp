#pragma once

// Streaming text-to-speech clients for cloud voices: ElevenLabs, over its HTTP streaming API or
// its stream-input WebSocket. Audio comes back in the carrier's own format (μ-law 8 kHz) unless
// asked otherwise, so the call forwards it without converting anything; characters spoken feed
// the call's cost. warmup() prepares a connection as the call starts without billing anything.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <patter/audio_format.hpp>
#include <patter/providers.hpp>

namespace patter::tts {

enum class ElevenLabsTransport {
  http,       // one streaming POST per sentence over a kept-alive connection ("elevenlabs")
  websocket,  // the stream-input WebSocket, one socket per sentence ("elevenlabs_ws")
};

// Sent as voice_settings; unset fields keep the voice's own settings.
struct ElevenLabsVoiceSettings {
  std::optional<double> stability;         // 0..1
  std::optional<double> similarity_boost;  // 0..1
  std::optional<double> style;             // 0..1
  std::optional<bool> use_speaker_boost;
  std::optional<double> speed;  // 0.7..1.2
};

struct ElevenLabsOptions {
  std::string api_key;   // empty: ELEVENLABS_API_KEY
  std::string base_url;  // empty: https://api.elevenlabs.io (the WebSocket uses wss:// there)
  // A premade voice's name ("sarah", "rachel", "adam"; any case) or a voice id. Empty: sarah.
  std::string voice;
  std::string model;  // empty: eleven_flash_v2_5
  ElevenLabsTransport transport = ElevenLabsTransport::http;
  // empty: ulaw_8000, the carrier's format. Also pcm_8000, pcm_16000, pcm_22050, pcm_24000,
  // pcm_44100 (converted by the call).
  std::string output_format;
  std::optional<int> optimize_streaming_latency;  // 0..4, HTTP only
  ElevenLabsVoiceSettings voice_settings;
  std::string language_code;  // ISO 639-1, for the models that take one
  bool enable_logging = true;  // false: zero-retention mode (enterprise plans)
  // The WebSocket server's wait for more text before it closes (5..180 s).
  std::chrono::seconds inactivity_timeout{20};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // From sending a sentence to its first audio.
  std::chrono::milliseconds first_byte_timeout{std::chrono::seconds(5)};
  // The longest gap between two pieces of audio.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(10)};
  // One sentence, start to end.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  // Attempts per sentence, the first included. Only failures before any audio are retried: 5xx,
  // timeouts, dropped connections, and 429 when its Retry-After is at most max_retry_wait.
  int max_attempts = 2;
  std::chrono::milliseconds max_retry_wait{std::chrono::seconds(2)};
  // PEM certificates to trust besides the system store.
  std::string extra_ca_pem;
};

// Throws std::invalid_argument naming the problem: no API key (set ELEVENLABS_API_KEY), an
// unknown voice name, a base URL that is not http(s), an output format other than μ-law or raw
// PCM, a setting out of range.
std::shared_ptr<TtsProvider> elevenlabs(ElevenLabsOptions options = {});

// Cartesia's TTS WebSocket (wss://api.cartesia.ai/tts/websocket): one socket per call, kept
// across sentences; the sentences of a turn continue one context (one prosody). Audio comes as
// pcm_mulaw at 8 kHz unless asked otherwise. Named "cartesia_tts" in metrics and cost.
struct CartesiaTtsOptions {
  std::string api_key;   // empty: CARTESIA_API_KEY
  std::string base_url;  // empty: wss://api.cartesia.ai/tts/websocket
  std::string voice;     // a voice id; empty: f786b574-daa5-4673-aa0c-cbe3e8534c02
  std::string model;     // empty: sonic-3
  std::string version;   // the Cartesia-Version header; empty: 2025-04-16
  std::string language;  // ISO 639-1; empty: the call's language
  // μ-law 8 kHz unless set; also A-law 8 kHz or PCM16 LE at 8000, 16000, 22050, 24000, 44100.
  AudioFormat output_format = kTelephonyMulaw;
  std::optional<double> speed;   // 0.6..1.5 (generation_config, sonic-3)
  std::optional<double> volume;  // 0.5..2.0
  std::string emotion;           // e.g. "calm"; empty: the voice's own
  std::optional<int> max_buffer_delay_ms;  // 0..5000
  // false: every sentence is a context of its own, ended by the server's done.
  bool continue_turns = true;
  // A sentence this long after the previous one ended starts a new context.
  std::chrono::milliseconds turn_gap{1500};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds first_byte_timeout{std::chrono::seconds(5)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(10)};
  // Attempts per sentence, the first included; only failures before any audio are retried.
  int max_attempts = 2;
  std::chrono::milliseconds max_retry_wait{std::chrono::seconds(2)};
  std::string extra_ca_pem;
};

// Throws std::invalid_argument naming the problem: no API key (set CARTESIA_API_KEY), a base
// URL that is not wss://, ws:// or https://, an output format Cartesia cannot send raw, a
// setting out of range.
std::shared_ptr<TtsProvider> cartesia(CartesiaTtsOptions options = {});

// OpenAI text-to-speech (POST /v1/audio/speech), one streaming request per sentence over a
// kept-alive connection. The audio comes back as raw PCM16 24 kHz (output_format()), which the
// call converts once for the carrier; characters spoken feed the call's cost ("openai_tts",
// "openai_tts_hd" for tts-1-hd).
struct OpenAiTtsOptions {
  std::string api_key;   // empty: OPENAI_API_KEY
  std::string base_url;  // empty: https://api.openai.com/v1
  std::string model;     // empty: tts-1; also tts-1-hd, gpt-4o-mini-tts
  std::string voice;     // empty: alloy; also ash, coral, echo, fable, nova, onyx, sage, shimmer
  std::optional<double> speed;  // 0.25..4
  std::string instructions;     // how to speak; gpt-4o-mini-tts only
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // From sending a sentence to its first audio.
  std::chrono::milliseconds first_byte_timeout{std::chrono::seconds(5)};
  // The longest gap between two pieces of audio.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(10)};
  // One sentence, start to end.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  // Attempts per sentence, the first included. Only failures before any audio are retried: 5xx,
  // timeouts, dropped connections, and 429 when its Retry-After is at most max_retry_wait.
  int max_attempts = 2;
  std::chrono::milliseconds max_retry_wait{std::chrono::seconds(2)};
  // PEM certificates to trust besides the system store.
  std::string extra_ca_pem;
};

// Throws std::invalid_argument naming the problem: no API key (set OPENAI_API_KEY), a base URL
// that is not http(s), a speed outside 0.25..4, instructions with a model other than
// gpt-4o-mini-tts.
std::shared_ptr<TtsProvider> openai(OpenAiTtsOptions options = {});

}  // namespace patter::tts
