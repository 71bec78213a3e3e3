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

}  // namespace patter::stt
