#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

namespace patter::providers {

// How one synthesis should sound. Validated when the job is submitted.
struct SpeechOptions {
  std::string voice = "en";  // an espeak-ng voice or language name: "en", "en-us", "it", ...
  int sample_rate = 16000;   // output rate, 8000..48000
  int rate_wpm = 175;        // speaking rate in words per minute, 80..450
  int pitch = 50;            // base pitch, 0..100
};

struct SynthesisOutcome {
  enum class Status : std::uint8_t { completed, cancelled, failed };
  Status status = Status::completed;
  std::string error;  // why, when failed
};

// Both run on the synthesis worker thread: keep them short (post to your own executor).
using AudioChunkCallback = std::function<void(std::span<const std::int16_t> samples)>;
using SynthesisDoneCallback = std::function<void(const SynthesisOutcome& outcome)>;

// State shared between a submitted job, its handle and the worker.
struct SynthesisJob {
  std::string text;
  SpeechOptions options;
  AudioChunkCallback on_chunk;
  SynthesisDoneCallback on_done;
  std::thread::id worker_thread;
  std::atomic<bool> cancelled{false};
  std::atomic<bool> finished{false};
  // Held by the worker while it delivers a chunk, so cancel() can wait out a delivery in flight.
  std::mutex delivery;
};

// Lets the submitter stop a job. Copyable; an empty handle does nothing.
class SynthesisHandle {
 public:
  SynthesisHandle() = default;
  explicit SynthesisHandle(std::shared_ptr<SynthesisJob> job) : job_(std::move(job)) {}

  // After cancel() returns no chunk is delivered any more (the completion callback still runs,
  // with Status::cancelled unless the job had already ended). Safe from any thread, including
  // from inside the job's own callbacks.
  void cancel() const;
  [[nodiscard]] bool cancelled() const { return job_ && job_->cancelled.load(); }
  // True once the done callback has returned.
  [[nodiscard]] bool finished() const { return job_ && job_->finished.load(); }

 private:
  std::shared_ptr<SynthesisJob> job_;
};

}  // namespace patter::providers
