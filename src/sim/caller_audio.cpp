#include "sim/caller_audio.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <mutex>

#include "audio/mulaw.hpp"
#include "audio/resampler.hpp"
#include "audio/wav.hpp"
#include "core/error.hpp"
#include "providers/embedded/espeak_engine.hpp"
#include "sim/far_end_playout.hpp"

namespace patter::sim {

namespace {

namespace asio = boost::asio;

// Filled on the engine's worker thread, read on the caller's executor once the job is done.
struct SpeechJob {
  std::mutex mutex;
  std::vector<std::int16_t> samples;
  providers::SynthesisOutcome outcome;
  std::exception_ptr submit_error;
};

MulawAudio encode(std::span<const std::int16_t> samples) {
  MulawAudio mulaw(samples.size());
  audio::mulaw_encode(samples, mulaw);
  return mulaw;
}

std::vector<std::int16_t> mono(const audio::WavAudio& wav) {
  auto samples = wav.samples();
  if (wav.channels == 1) return samples;
  const auto channels = static_cast<std::size_t>(wav.channels);
  std::vector<std::int16_t> mixed(samples.size() / channels);
  for (std::size_t frame = 0; frame < mixed.size(); ++frame) {
    int sum = 0;
    for (std::size_t channel = 0; channel < channels; ++channel) {
      sum += samples[frame * channels + channel];
    }
    mixed[frame] = static_cast<std::int16_t>(sum / wav.channels);
  }
  return mixed;
}

}  // namespace

MulawAudio load_wav_as_mulaw(const std::filesystem::path& path) {
  audio::WavAudio wav;
  try {
    wav = audio::read_wav_file(path);
  } catch (const std::exception& error) {
    throw core::Error(core::Errc::config_invalid, path.string() + ": " + error.what());
  }
  const auto samples = mono(wav);
  if (wav.sample_rate == kStreamSampleRate) return encode(samples);
  if (wav.sample_rate < audio::Resampler::kMinRate ||
      wav.sample_rate > audio::Resampler::kMaxRate) {
    throw core::Error(core::Errc::config_invalid, path.string() + ": sample rate " +
                                                      std::to_string(wav.sample_rate) +
                                                      " Hz is not supported (8000..48000)");
  }
  audio::Resampler resampler(wav.sample_rate, kStreamSampleRate);
  const auto head = resampler.process(samples);
  std::vector<std::int16_t> resampled(head.begin(), head.end());
  const auto tail = resampler.flush();
  resampled.insert(resampled.end(), tail.begin(), tail.end());
  return encode(resampled);
}

asio::awaitable<MulawAudio> speak_as_mulaw(providers::EspeakEngine& engine, std::string text,
                                           CallerVoice voice) {
  auto job = std::make_shared<SpeechJob>();
  providers::SpeechOptions options;
  options.voice = voice.voice;
  options.rate_wpm = voice.rate_wpm;
  options.sample_rate = kStreamSampleRate;

  auto initiate = [&engine, job, &text, &options](auto handler) {
    using Handler = decltype(handler);
    auto shared = std::make_shared<Handler>(std::move(handler));
    // Keeps the event loop alive while only the engine's thread has work.
    auto executor = asio::prefer(asio::get_associated_executor(*shared),
                                 asio::execution::outstanding_work.tracked);
    auto resume = [shared, executor] { asio::post(executor, [shared] { std::move (*shared)(); }); };
    try {
      engine.submit(
          std::move(text), options,
          [job](std::span<const std::int16_t> chunk) {
            const std::lock_guard lock(job->mutex);
            job->samples.insert(job->samples.end(), chunk.begin(), chunk.end());
          },
          [job, resume](const providers::SynthesisOutcome& outcome) {
            {
              const std::lock_guard lock(job->mutex);
              job->outcome = outcome;
            }
            resume();
          });
    } catch (...) {
      job->submit_error = std::current_exception();
      resume();
    }
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(initiate,
                                                                        asio::use_awaitable);

  if (job->submit_error) std::rethrow_exception(job->submit_error);
  const std::lock_guard lock(job->mutex);
  if (job->outcome.status != providers::SynthesisOutcome::Status::completed) {
    const auto reason = job->outcome.status == providers::SynthesisOutcome::Status::cancelled
                            ? std::string("cancelled")
                            : job->outcome.error;
    throw core::Error(core::Errc::upstream_error, "espeak-ng could not speak a line: " + reason);
  }
  co_return encode(job->samples);
}

asio::awaitable<std::vector<MulawAudio>> render_caller_audio(const CallScript& script,
                                                             providers::EspeakEngine* engine) {
  std::vector<MulawAudio> rendered(script.steps.size());
  for (std::size_t i = 0; i < script.steps.size(); ++i) {
    const auto& step = script.steps[i];
    const std::string* text = nullptr;
    const CallerVoice* voice = nullptr;
    if (const auto* say = std::get_if<Say>(&step)) {
      text = &say->text;
      voice = &say->voice;
    } else if (const auto* barge_in = std::get_if<BargeIn>(&step)) {
      if (barge_in->wav.empty()) {
        text = &barge_in->text;
        voice = &barge_in->voice;
      } else {
        rendered[i] = load_wav_as_mulaw(barge_in->wav);
      }
    } else if (const auto* wav = std::get_if<SayWav>(&step)) {
      rendered[i] = load_wav_as_mulaw(wav->path);
    }
    if (text == nullptr) continue;
    if (engine == nullptr) {
      throw core::Error(core::Errc::config_invalid,
                        "step " + std::to_string(i + 1) + " (" + std::string(step_name(step)) +
                            ") speaks text, which needs the espeak-ng engine");
    }
    std::string line = *text;
    CallerVoice line_voice = *voice;
    rendered[i] = co_await speak_as_mulaw(*engine, std::move(line), std::move(line_voice));
  }
  co_return rendered;
}

}  // namespace patter::sim
