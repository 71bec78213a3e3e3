#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "providers/embedded/serial_worker.hpp"

namespace patter::providers {

struct RecognizerOptions {
  // The US English model of the pocketsphinx-en-us package by default.
  std::filesystem::path acoustic_model;
  std::filesystem::path dictionary;
  std::filesystem::path language_model;
  // Grammar mode: when set, only these phrases (lower-case dictionary words) can be recognised,
  // which is far more accurate than the open-vocabulary language model for small demos.
  std::vector<std::string> phrases;
  // A full JSGF grammar; takes precedence over `phrases`.
  std::string jsgf;
  // Rate of the audio passed to feed(), 8000..48000; anything but 16 kHz is resampled to it.
  int input_sample_rate = 16000;
};

struct Transcript {
  std::string text;
  // Posterior probability of the hypothesis, 0..1. Useful with the language model; a grammar
  // forces every utterance onto one of its phrases, so there it stays near 1 even for speech
  // outside the grammar.
  double confidence = 0.0;
};

// All run on the recognizer's worker thread: keep them short (post to your own executor).
struct RecognizerCallbacks {
  std::function<void(const Transcript&)> on_partial;  // the hypothesis so far, while speech goes on
  std::function<void(const Transcript&)> on_final;    // once per utterance that contained speech
  std::function<void(const std::string&)> on_error;   // the decoder could not be created or failed
};

// Streaming speech recognition of one call with pocketsphinx. Every decoder call (model loading
// included) runs on the given worker, never on the caller's thread; one worker may serve several
// recognizers, each keeping its own decoder. Used from one thread; the callbacks stop as soon as
// the recognizer is destroyed.
class PocketsphinxRecognizer {
 public:
  // Throws core::Error (config_invalid) for a missing model file, a bad phrase or rate, and
  // SerialWorker's errors when its queue is full.
  PocketsphinxRecognizer(std::shared_ptr<SerialWorker> worker, RecognizerOptions options,
                         RecognizerCallbacks callbacks);
  ~PocketsphinxRecognizer();
  PocketsphinxRecognizer(const PocketsphinxRecognizer&) = delete;
  PocketsphinxRecognizer& operator=(const PocketsphinxRecognizer&) = delete;

  // Audio in chunks of any size (copied). An utterance ends, with on_final, when the decoder's
  // voice activity detection hears silence after speech. feed(), finalize() and reset() throw
  // core::Error (rate_limited) when the worker's queue is full: decoding is not keeping up.
  void feed(std::span<const std::int16_t> samples);
  // Ends the current utterance now: on_final if it contained speech, then `on_finalized`.
  void finalize(std::function<void()> on_finalized = {});
  // Drops the audio and hypothesis of the current utterance without reporting them.
  void reset();

  // A JSGF grammar accepting exactly one of `phrases`. Throws core::Error (config_invalid) for an
  // empty list or a phrase with characters other than a-z, digits, apostrophes and spaces.
  static std::string grammar_for(const std::vector<std::string>& phrases);

 private:
  struct Decoding;

  std::shared_ptr<SerialWorker> worker_;
  std::shared_ptr<Decoding> decoding_;
};

}  // namespace patter::providers
