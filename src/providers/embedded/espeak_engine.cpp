#include "providers/embedded/espeak_engine.hpp"

#include <espeak-ng/espeak_ng.h>

#include <array>
#include <exception>
#include <filesystem>
#include <future>
#include <utility>

#include "audio/resampler.hpp"
#include "core/error.hpp"

namespace patter::providers {
namespace {

std::atomic<bool> engine_exists{false};

std::string status_message(espeak_ng_STATUS status) {
  std::array<char, 512> buffer{};
  espeak_ng_GetStatusCodeMessage(status, buffer.data(), buffer.size());
  return buffer.data();
}

// espeak-ng is loaded once per process and never unloaded: espeak_ng_Terminate in 1.51 can
// deadlock waiting for its internal threads. Touched only by the current engine's worker; engines
// never overlap, and each hands over to the next through its thread's join.
struct LoadedLibrary {
  bool initialised = false;
  std::string data_path;
  int sample_rate = 0;
};
LoadedLibrary library;

void load_library(const EspeakEngineOptions& options, const std::string& data_path) {
  const std::string where = options.data_path ? "'" + data_path + "'" : "the package default path";
  espeak_ng_InitializePath(options.data_path ? data_path.c_str() : nullptr);
  espeak_ng_ERROR_CONTEXT context = nullptr;
  espeak_ng_STATUS status = espeak_ng_Initialize(&context);
  espeak_ng_ClearErrorContext(&context);
  if (status != ENS_OK) {
    throw core::Error(core::Errc::unavailable, "espeak-ng could not load its data from " + where +
                                                   ": " + status_message(status));
  }
  status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, options.chunk_ms, nullptr);
  if (status != ENS_OK) {
    throw core::Error(core::Errc::unavailable,
                      "espeak-ng output setup failed: " + status_message(status));
  }
  library = {true, data_path, espeak_ng_GetSampleRate()};
}

void validate(const SpeechOptions& options) {
  using core::Errc;
  if (options.voice.empty()) {
    throw core::Error(Errc::config_invalid, "espeak-ng voice must not be empty");
  }
  if (options.sample_rate < audio::Resampler::kMinRate ||
      options.sample_rate > audio::Resampler::kMaxRate) {
    throw core::Error(Errc::config_invalid, "espeak-ng sample rate must be 8000..48000 Hz, got " +
                                                std::to_string(options.sample_rate));
  }
  if (options.rate_wpm < espeakRATE_MINIMUM || options.rate_wpm > espeakRATE_MAXIMUM) {
    throw core::Error(
        Errc::config_invalid,
        "espeak-ng rate must be 80..450 words per minute, got " + std::to_string(options.rate_wpm));
  }
  if (options.pitch < 0 || options.pitch > 100) {
    throw core::Error(Errc::config_invalid,
                      "espeak-ng pitch must be 0..100, got " + std::to_string(options.pitch));
  }
}

// What the espeak-ng synth callback needs while one job runs; reached through espeak's user_data.
struct ActiveSynthesis {
  SynthesisJob& job;
  audio::Resampler resampler;
  const std::atomic<bool>& shutting_down;
  std::string error;

  [[nodiscard]] bool stopped() const {
    return job.cancelled.load() || shutting_down.load() || !error.empty();
  }

  // Returns false when the job must stop.
  bool deliver(std::span<const std::int16_t> native_samples, bool end_of_stream) {
    std::lock_guard lock(job.delivery);
    if (stopped()) {
      return false;
    }
    try {
      auto samples = resampler.process(native_samples);
      if (!samples.empty()) {
        job.on_chunk(samples);
      }
      if (end_of_stream) {
        samples = resampler.flush();
        if (!samples.empty() && !stopped()) {
          job.on_chunk(samples);
        }
      }
    } catch (const std::exception& failure) {
      error = std::string("audio chunk callback failed: ") + failure.what();
      return false;
    } catch (...) {
      error = "audio chunk callback failed";
      return false;
    }
    return true;
  }
};

int on_espeak_audio(short* samples, int count, espeak_EVENT* events) {
  auto* active = static_cast<ActiveSynthesis*>(events->user_data);
  if (samples == nullptr || count <= 0) {
    return active->stopped() ? 1 : 0;
  }
  const bool keep_going = active->deliver({samples, static_cast<std::size_t>(count)}, false);
  return keep_going ? 0 : 1;
}

void finish(SynthesisJob& job, SynthesisOutcome outcome) {
  if (job.on_done) {
    try {
      job.on_done(outcome);
    } catch (...) {
      // A throwing completion callback has nobody left to report to; the worker must survive it.
    }
  }
  job.finished.store(true);
}

}  // namespace

EspeakEngine::EspeakEngine(EspeakEngineOptions options) {
  if (options.queue_capacity == 0 || options.chunk_ms < 10 || options.chunk_ms > 1000) {
    throw core::Error(core::Errc::config_invalid,
                      "espeak-ng engine needs a queue capacity > 0 and a chunk of 10..1000 ms");
  }
  if (engine_exists.exchange(true)) {
    throw core::Error(core::Errc::conflict, "an espeak-ng engine already exists in this process");
  }
  try {
    worker_ = std::make_unique<SerialWorker>(options.queue_capacity);
    std::promise<void> initialised;
    auto initialisation = initialised.get_future();
    worker_->post([this, &options, &initialised] {
      try {
        initialise(options);
        initialised.set_value();
      } catch (...) {
        initialised.set_exception(std::current_exception());
      }
    });
    initialisation.get();
  } catch (...) {
    worker_.reset();
    engine_exists.store(false);
    throw;
  }
}

void EspeakEngine::initialise(const EspeakEngineOptions& options) {
  const std::string data_path = options.data_path ? options.data_path->string() : std::string();
  if (options.data_path &&
      !std::filesystem::exists(*options.data_path / "espeak-ng-data" / "phontab")) {
    throw core::Error(core::Errc::unavailable, "espeak-ng data not found: '" + data_path +
                                                   "' has no espeak-ng-data/phontab");
  }
  if (library.initialised) {
    if (library.data_path != data_path) {
      throw core::Error(core::Errc::conflict,
                        "espeak-ng is already loaded from another data path than '" + data_path +
                            "' in this process");
    }
  } else {
    load_library(options, data_path);
  }
  espeak_SetSynthCallback(on_espeak_audio);
  native_sample_rate_ = library.sample_rate;
}

EspeakEngine::~EspeakEngine() {
  shutting_down_.store(true);
  worker_->close({});
  worker_.reset();
  engine_exists.store(false);
}

SynthesisHandle EspeakEngine::submit(std::string text, SpeechOptions options,
                                     AudioChunkCallback on_chunk, SynthesisDoneCallback on_done) {
  validate(options);
  if (!on_chunk) {
    throw core::Error(core::Errc::config_invalid,
                      "espeak-ng synthesis needs an audio chunk callback");
  }
  if (shutting_down_.load()) {
    throw core::Error(core::Errc::shutting_down, "the espeak-ng engine is shutting down");
  }
  auto job = std::make_shared<SynthesisJob>();
  job->text = std::move(text);
  job->options = std::move(options);
  job->on_chunk = std::move(on_chunk);
  job->on_done = std::move(on_done);
  job->worker_thread = worker_->thread_id();
  worker_->post([this, job] { run(*job); });
  return SynthesisHandle(job);
}

void EspeakEngine::run(SynthesisJob& job) {
  using Status = SynthesisOutcome::Status;
  if (job.cancelled.load() || shutting_down_.load()) {
    finish(job, {Status::cancelled, {}});
    return;
  }
  espeak_ng_STATUS status = espeak_ng_SetVoiceByName(job.options.voice.c_str());
  if (status != ENS_OK) {
    const std::string reason =
        status == ENS_VOICE_NOT_FOUND ? "no such voice" : status_message(status);
    finish(job, {Status::failed, "espeak-ng voice '" + job.options.voice + "': " + reason});
    return;
  }
  espeak_ng_SetParameter(espeakRATE, job.options.rate_wpm, 0);
  espeak_ng_SetParameter(espeakPITCH, job.options.pitch, 0);

  ActiveSynthesis active{
      job, audio::Resampler(native_sample_rate_, job.options.sample_rate), shutting_down_, {}};
  status = espeak_ng_Synthesize(job.text.c_str(), job.text.size() + 1, 0, POS_CHARACTER, 0,
                                espeakCHARS_UTF8, nullptr, &active);
  if (!active.error.empty()) {
    finish(job, {Status::failed, active.error});
  } else if (active.stopped()) {
    finish(job, {Status::cancelled, {}});
  } else if (status != ENS_OK) {
    finish(job, {Status::failed, "espeak-ng synthesis failed: " + status_message(status)});
  } else if (!active.deliver({}, true)) {
    finish(job, active.error.empty() ? SynthesisOutcome{Status::cancelled, {}}
                                     : SynthesisOutcome{Status::failed, active.error});
  } else {
    finish(job, {Status::completed, {}});
  }
}

}  // namespace patter::providers
