#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "providers/embedded/pocketsphinx_recognizer.hpp"
#include "providers/embedded/serial_worker.hpp"

namespace patter::providers {

struct PocketsphinxSttOptions {
  // Models, phrases or JSGF grammar, and the input rate (16 kHz unless set) of every stream.
  RecognizerOptions recognizer;
  // Runs the decoding of every stream this provider opens; one worker may serve many calls and
  // providers. Null: the provider starts its own with `worker_queue_capacity`.
  std::shared_ptr<SerialWorker> worker;
  std::size_t worker_queue_capacity = 256;
};

// Offline speech-to-text with pocketsphinx. The provider and each open stream share ownership of
// the worker; the last owner to let go joins its thread, so never drop one on the worker itself.
// Events arrive on the worker thread. Transcripts carry no word timings and there are no
// speech-edge events: the call's own voice activity detection provides them.
class PocketsphinxStt final : public SttProvider {
 public:
  // Throws core::Error (config_invalid) for bad phrases or an input rate outside 8000..48000.
  explicit PocketsphinxStt(PocketsphinxSttOptions options = {});

  [[nodiscard]] std::string name() const override { return "pocketsphinx"; }
  [[nodiscard]] AudioFormat input_format() const override;
  // Throws core::Error: config_invalid for missing model files, rate_limited when the worker's
  // queue is full. The decoder loads on the worker; if that fails, on_error reports it.
  // push_audio() drops a chunk (with a warning) when the worker's queue is full.
  std::unique_ptr<SttStream> open(const StreamContext& context, SttEvents events) override;

  [[nodiscard]] const std::shared_ptr<SerialWorker>& worker() const { return worker_; }

 private:
  RecognizerOptions recognizer_options_;
  std::shared_ptr<SerialWorker> worker_;
};

}  // namespace patter::providers
