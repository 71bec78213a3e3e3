#pragma once

// Cloud speech-to-text. Deepgram's live API (/v1/listen) hears the carrier's μ-law 8 kHz audio
// as it is, with interim results, endpointing and utterance ends; finalize() asks for the final
// transcript at once. A socket that drops mid-call reconnects at once and sends again the audio
// no final result covered yet, so no words are lost and no final repeats. warmup() opens the
// call's stream while the phone rings, without sending audio.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <patter/audio_format.hpp>
#include <patter/providers.hpp>

namespace patter::stt {

struct DeepgramOptions {
  std::string api_key;   // empty: the environment variable DEEPGRAM_API_KEY
  std::string base_url;  // empty: wss://api.deepgram.com/v1/listen
  std::string model;     // empty: nova-3
  std::string language;  // empty: the call's language
  // What the stream is fed: the carrier's μ-law 8 kHz unless set (A-law or PCM16 LE).
  AudioFormat input_format = kTelephonyMulaw;
  bool interim_results = true;
  std::optional<int> endpointing_ms = 150;     // silence that ends an utterance; nullopt: off
  std::optional<int> utterance_end_ms = 1000;  // at least 1000; nullopt: no UtteranceEnd
  bool vad_events = true;                      // SpeechStarted → on_speech_started
  bool smart_format = true;
  bool punctuate = true;
  std::vector<std::string> keyterms;  // nova-3 keyterm prompting
  // Any other /v1/listen query parameter, e.g. {"numerals", "true"}.
  std::vector<std::pair<std::string, std::string>> extra_query;
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(4)};
  // Reconnects tried in a row after a drop before the stream fails.
  int reconnect_attempts = 4;
  // Audio kept for replay after a drop.
  std::chrono::milliseconds replay_window{std::chrono::seconds(10)};
  // PEM certificates to trust besides the system store (a proxy with a private CA).
  std::string extra_ca_pem;
};

// Throws std::invalid_argument naming the problem: no API key (set DEEPGRAM_API_KEY), a base
// URL that is not wss://, ws:// or https://, utterance_end_ms below 1000, an unsupported format.
std::shared_ptr<SttProvider> deepgram(DeepgramOptions options = {});

// AssemblyAI Universal Streaming v3 (wss://streaming.assemblyai.com/v3/ws): hears the carrier's
// μ-law 8 kHz audio as it is (pcm_mulaw), sent in 50 ms chunks. Partial turns are interim
// transcripts and each ended turn one final with speech_final (its formatted text with
// format_turns); finalize() sends ForceEndpoint. A dropped socket reconnects at once and replays
// the audio no ended turn covered yet; warmup() opens the call's session while the phone rings.
struct AssemblyAiOptions {
  std::string api_key;       // empty: the environment variable ASSEMBLYAI_API_KEY
  std::string base_url;      // empty: wss://streaming.assemblyai.com/v3/ws
  std::string speech_model;  // empty: universal-streaming-english
  // What the stream is fed: the carrier's μ-law 8 kHz unless set (PCM16 LE, 8–48 kHz).
  AudioFormat input_format = kTelephonyMulaw;
  bool format_turns = false;  // punctuated, cased finals, at the price of waiting for them
  double end_of_turn_confidence_threshold = 0.4;
  int min_turn_silence_ms = 400;   // silence that ends a turn when the model is confident
  int max_turn_silence_ms = 1280;  // silence that ends a turn anyway
  std::vector<std::string> keyterms;  // keyterms_prompt: names, products
  // Any other /v3/ws query parameter, e.g. {"inactivity_timeout", "30"}.
  std::vector<std::pair<std::string, std::string>> extra_query;
  std::chrono::milliseconds chunk{50};  // audio per binary frame, 50..1000 ms
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(5)};
  // AssemblyAI bills session time: warmup() only prepares DNS, TCP and TLS unless this is set,
  // which opens the call's session while the phone rings (billed while it waits).
  bool warmup_opens_session = false;
  // Reconnects tried in a row after a drop before the stream fails.
  int reconnect_attempts = 4;
  // Audio kept for replay after a drop.
  std::chrono::milliseconds replay_window{std::chrono::seconds(10)};
  // PEM certificates to trust besides the system store (a proxy with a private CA).
  std::string extra_ca_pem;
};

// Throws std::invalid_argument naming the problem: no API key (set ASSEMBLYAI_API_KEY), a base
// URL that is not wss://, ws:// or https://, an unsupported format, a threshold outside 0..1, a
// chunk outside 50..1000 ms.
std::shared_ptr<SttProvider> assemblyai(AssemblyAiOptions options = {});

// Cartesia's streaming speech-to-text (ink-whisper over wss://api.cartesia.ai/stt/websocket):
// interim and final transcripts, finalize() answered at once; a dropped socket reconnects and
// replays the audio no final covered yet. Fed 16 kHz PCM16 (the call converts the carrier's
// μ-law once) unless input_format says otherwise.
struct CartesiaSttOptions {
  std::string api_key;   // empty: the environment variable CARTESIA_API_KEY
  std::string base_url;  // empty: wss://api.cartesia.ai/stt/websocket
  std::string model;     // empty: ink-whisper
  std::string version;   // the Cartesia-Version header; empty: 2025-04-16
  std::string language;  // ISO 639-1; empty: the call's language
  // PCM16 LE at 16 kHz unless set; μ-law or A-law 8 kHz are passed as pcm_mulaw / pcm_alaw.
  AudioFormat input_format = kPcm16k;
  std::optional<double> min_volume;                 // 0..1
  std::optional<double> max_silence_duration_secs;  // silence that ends a segment
  // Any other query parameter.
  std::vector<std::pair<std::string, std::string>> extra_query;
  // A WebSocket ping after this long without a message from the server.
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(10)};
  // Reconnects tried in a row after a drop before the stream fails.
  int reconnect_attempts = 4;
  // Audio kept for replay after a drop.
  std::chrono::milliseconds replay_window{std::chrono::seconds(10)};
  // PEM certificates to trust besides the system store.
  std::string extra_ca_pem;
};

// Throws std::invalid_argument naming the problem: no API key (set CARTESIA_API_KEY), a base
// URL that is not wss://, ws:// or https://, an unsupported format, min_volume outside 0..1.
std::shared_ptr<SttProvider> cartesia(CartesiaSttOptions options = {});

// OpenAI speech-to-text. The default transport is the Realtime API's transcription session
// (a WebSocket per call): the carrier's μ-law 8 kHz passes through as g711_ulaw, the server's
// VAD gives speech edges, deltas are interim transcripts and each utterance's transcript a
// final; a dropped socket reconnects and replays the audio no final covered yet. The REST
// transport POSTs each utterance (cut by a local energy gate, never silence) to
// /v1/audio/transcriptions as a WAV; every result is final.
enum class OpenAiTranscribeTransport {
  realtime,  // "openai" in agent files
  rest,      // "whisper" in agent files
};

struct OpenAiTranscribeOptions {
  std::string api_key;   // empty: the environment variable OPENAI_API_KEY
  std::string base_url;  // empty: https://api.openai.com/v1 (the socket uses wss:// there)
  OpenAiTranscribeTransport transport = OpenAiTranscribeTransport::realtime;
  // empty: gpt-4o-transcribe (realtime), whisper-1 (rest); also gpt-4o-mini-transcribe.
  std::string model;
  std::string language;  // ISO 639-1; empty: the call's language
  std::string prompt;    // words or style to expect; empty: none
  // realtime: μ-law 8 kHz unless set (A-law 8 kHz, PCM16 24 kHz); rest: also PCM16 8..48 kHz.
  AudioFormat input_format = kTelephonyMulaw;
  // realtime: the server's VAD (turn_detection server_vad).
  double vad_threshold = 0.5;
  int prefix_padding_ms = 300;
  int silence_duration_ms = 500;
  std::string noise_reduction;  // "near_field" or "far_field"; empty: off
  // rest: the local gate that finds utterances.
  float gate_threshold_dbfs = -40.0F;
  int gate_min_silence_ms = 500;
  // realtime: reconnects tried in a row after a drop before the stream fails, and the audio
  // kept for replay. rest: attempts per utterance, the first included.
  int reconnect_attempts = 4;
  std::chrono::milliseconds replay_window{std::chrono::seconds(10)};
  int max_attempts = 3;
  // PEM certificates to trust besides the system store.
  std::string extra_ca_pem;
};

// Throws std::invalid_argument naming the problem: no API key (set OPENAI_API_KEY), a base URL
// that is not https:// (or wss://), an input format the transport cannot send, a setting out of
// range.
std::shared_ptr<SttProvider> openai_transcribe(OpenAiTranscribeOptions options = {});

}  // namespace patter::stt
