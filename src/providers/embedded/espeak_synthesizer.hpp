#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "providers/embedded/espeak_engine.hpp"

namespace patter::providers {

// One call's text-to-speech over the shared EspeakEngine, with the call's voice settings. Used
// from one thread (the call's); the engine must outlive it. Destroying it cancels its jobs.
class EspeakSynthesizer {
 public:
  EspeakSynthesizer(EspeakEngine& engine, SpeechOptions options);
  ~EspeakSynthesizer();
  EspeakSynthesizer(const EspeakSynthesizer&) = delete;
  EspeakSynthesizer& operator=(const EspeakSynthesizer&) = delete;

  // Streams PCM16 mono chunks at options().sample_rate as espeak-ng produces them. Callbacks run
  // on the engine's worker thread; see EspeakEngine for the guarantees and errors.
  SynthesisHandle synthesize(std::string text, AudioChunkCallback on_chunk,
                             SynthesisDoneCallback on_done);
  // Blocks until the whole utterance is ready. For tools and tests: never call it on a call's
  // event-loop thread. Throws core::Error: upstream_error if synthesis fails or is cancelled,
  // timeout (after cancelling the job) when it takes longer than `timeout`.
  std::vector<std::int16_t> synthesize_all(std::string text, std::chrono::milliseconds timeout);
  // Stops every job this synthesizer started that is still queued or running.
  void cancel_all();

  [[nodiscard]] const SpeechOptions& options() const { return options_; }
  void set_options(SpeechOptions options) { options_ = std::move(options); }

 private:
  EspeakEngine& engine_;
  SpeechOptions options_;
  std::vector<SynthesisHandle> unfinished_;
};

}  // namespace patter::providers
