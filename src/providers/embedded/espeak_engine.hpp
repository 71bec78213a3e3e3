#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "providers/embedded/serial_worker.hpp"
#include "providers/embedded/synthesis_job.hpp"

namespace patter::providers {

struct EspeakEngineOptions {
  // Directory holding `espeak-ng-data`; unset means the location the espeak-ng package was built
  // with (Debian: /usr/lib/x86_64-linux-gnu). espeak-ng loads once per process, so a later engine
  // must ask for the same path; the chunk length, too, is the one of the first engine.
  std::optional<std::filesystem::path> data_path;
  std::size_t queue_capacity = 64;  // jobs waiting for the worker; submit() rejects beyond it
  int chunk_ms = 40;                // audio espeak-ng produces per chunk
};

// The process's one espeak-ng instance. libespeak-ng keeps global state and is not thread-safe,
// so the engine owns a single worker thread that makes every espeak-ng call, one job at a time in
// submission order. Only one engine may exist at a time: create it once at start-up and share it.
//
// Callbacks run on the worker thread. Each accepted job ends with exactly one call to its done
// callback: completed, cancelled (also when the engine is destroyed before or while running it)
// or failed (unknown voice, espeak-ng error, a throwing chunk callback).
class EspeakEngine {
 public:
  // Throws core::Error: unavailable when espeak-ng cannot initialise (the message names the data
  // path and espeak-ng's reason), conflict when another engine exists or espeak-ng was already
  // loaded from another data path.
  explicit EspeakEngine(EspeakEngineOptions options = {});
  // Cancels queued and running jobs, then joins the worker. Must not run on the worker thread.
  // espeak-ng itself stays loaded for the rest of the process (a later engine reuses it).
  ~EspeakEngine();
  EspeakEngine(const EspeakEngine&) = delete;
  EspeakEngine& operator=(const EspeakEngine&) = delete;

  // Throws core::Error: config_invalid for out-of-range options, rate_limited when the queue is
  // full, shutting_down while the engine is being destroyed.
  SynthesisHandle submit(std::string text, SpeechOptions options, AudioChunkCallback on_chunk,
                         SynthesisDoneCallback on_done);

  // espeak-ng's own output rate (22050 Hz for the standard voices).
  [[nodiscard]] int native_sample_rate() const { return native_sample_rate_; }

 private:
  void initialise(const EspeakEngineOptions& options);
  void run(SynthesisJob& job);

  int native_sample_rate_ = 0;
  std::atomic<bool> shutting_down_{false};
  std::unique_ptr<SerialWorker> worker_;
};

}  // namespace patter::providers
