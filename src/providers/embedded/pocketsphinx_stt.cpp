#include "providers/embedded/pocketsphinx_stt.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "audio/resampler.hpp"
#include "core/error.hpp"

namespace patter::providers {
namespace {

// Serialises event delivery against close(), so that once close() returns nothing follows.
// Recursive: a callback may close its own stream from the worker thread.
struct SttDelivery {
  std::recursive_mutex mutex;
  std::atomic<bool> stopped{false};
  SttEvents events;

  void transcript(const providers::Transcript& result, bool is_final) {
    patter::Transcript transcript;
    transcript.text = result.text;
    transcript.is_final = is_final;
    transcript.speech_final = is_final;
    transcript.confidence = result.confidence;
    std::lock_guard lock(mutex);
    if (!stopped.load() && events.on_transcript) {
      events.on_transcript(transcript);
    }
  }

  void error(const std::string& message) {
    std::lock_guard lock(mutex);
    if (stopped.exchange(true)) {
      return;
    }
    const SttEvents last = std::exchange(events, {});
    if (last.on_error) {
      last.on_error(message);
    }
  }

  void stop() {
    std::lock_guard lock(mutex);
    stopped.store(true);
    events = {};
  }
};

class PocketsphinxSttStream final : public SttStream {
 public:
  PocketsphinxSttStream(std::string call_id, std::shared_ptr<SerialWorker> worker,
                        RecognizerOptions options, SttEvents events)
      : call_id_(std::move(call_id)), delivery_(std::make_shared<SttDelivery>()) {
    delivery_->events = std::move(events);
    RecognizerCallbacks callbacks;
    callbacks.on_partial = [delivery = delivery_](const providers::Transcript& partial) {
      delivery->transcript(partial, false);
    };
    callbacks.on_final = [delivery = delivery_](const providers::Transcript& result) {
      delivery->transcript(result, true);
    };
    callbacks.on_error = [delivery = delivery_](const std::string& message) {
      delivery->error(message);
    };
    recognizer_ = std::make_unique<PocketsphinxRecognizer>(std::move(worker), std::move(options),
                                                           std::move(callbacks));
  }
  ~PocketsphinxSttStream() override { close(); }
  PocketsphinxSttStream(const PocketsphinxSttStream&) = delete;
  PocketsphinxSttStream& operator=(const PocketsphinxSttStream&) = delete;

  void push_audio(std::span<const std::uint8_t> bytes) override {
    if (!recognizer_ || delivery_->stopped.load()) {
      return;
    }
    samples_.clear();
    std::size_t next = 0;
    if (carry_ && !bytes.empty()) {
      samples_.push_back(sample_of(*carry_, bytes[0]));
      carry_.reset();
      next = 1;
    }
    for (; next + 1 < bytes.size(); next += 2) {
      samples_.push_back(sample_of(bytes[next], bytes[next + 1]));
    }
    if (next < bytes.size()) {
      carry_ = bytes[next];
    }
    if (samples_.empty()) {
      return;
    }
    try {
      recognizer_->feed(samples_);
      if (dropped_chunks_ > 0) {
        spdlog::warn("pocketsphinx: call {}: decoding caught up after dropping {} audio chunks",
                     call_id_, dropped_chunks_);
        dropped_chunks_ = 0;
      }
    } catch (const core::Error& failure) {
      if (failure.code() != core::Errc::rate_limited) {
        delivery_->error(failure.what());
      } else if (dropped_chunks_++ == 0) {
        spdlog::warn("pocketsphinx: call {}: decoding is falling behind, dropping audio", call_id_);
      }
    }
  }

  void finalize() override {
    if (!recognizer_ || delivery_->stopped.load()) {
      return;
    }
    try {
      recognizer_->finalize();
    } catch (const core::Error& failure) {
      if (failure.code() != core::Errc::rate_limited) {
        delivery_->error(failure.what());
      } else {
        spdlog::warn("pocketsphinx: call {}: decoding is falling behind, finalize dropped",
                     call_id_);
      }
    }
  }

  void close() override {
    delivery_->stop();
    recognizer_.reset();
    carry_.reset();
  }

 private:
  static std::int16_t sample_of(std::uint8_t low, std::uint8_t high) {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(low | (high << 8U)));
  }

  std::string call_id_;
  std::shared_ptr<SttDelivery> delivery_;
  std::unique_ptr<PocketsphinxRecognizer> recognizer_;
  std::optional<std::uint8_t> carry_;  // the first byte of a sample split across chunks
  std::vector<std::int16_t> samples_;
  std::size_t dropped_chunks_ = 0;
};

}  // namespace

PocketsphinxStt::PocketsphinxStt(PocketsphinxSttOptions options)
    : recognizer_options_(std::move(options.recognizer)), worker_(std::move(options.worker)) {
  const int rate = recognizer_options_.input_sample_rate;
  if (rate < audio::Resampler::kMinRate || rate > audio::Resampler::kMaxRate) {
    throw core::Error(
        core::Errc::config_invalid,
        "pocketsphinx input rate must be 8000..48000 Hz, got " + std::to_string(rate));
  }
  if (recognizer_options_.jsgf.empty() && !recognizer_options_.phrases.empty()) {
    static_cast<void>(PocketsphinxRecognizer::grammar_for(recognizer_options_.phrases));
  }
  if (!worker_) {
    worker_ = std::make_shared<SerialWorker>(options.worker_queue_capacity);
  }
}

AudioFormat PocketsphinxStt::input_format() const {
  return {Encoding::pcm16_le, recognizer_options_.input_sample_rate};
}

std::unique_ptr<SttStream> PocketsphinxStt::open(const StreamContext& context, SttEvents events) {
  return std::make_unique<PocketsphinxSttStream>(context.call_id, worker_, recognizer_options_,
                                                 std::move(events));
}

}  // namespace patter::providers
