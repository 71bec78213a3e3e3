#include "providers/embedded/espeak_engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "providers/embedded/espeak_synthesizer.hpp"

namespace patter::providers {
namespace {

using namespace std::chrono_literals;
using Status = SynthesisOutcome::Status;

constexpr auto kTimeout = 20s;
constexpr const char* kLongText =
    "This sentence is long enough that synthesis is still running when the test cancels it. "
    "It keeps going with a second sentence, and then a third one, about telephones and voices. "
    "Finally a fourth sentence makes sure there is plenty of audio left to produce.";

double rms(const std::vector<std::int16_t>& samples) {
  double sum = 0;
  for (const auto sample : samples) {
    sum += static_cast<double>(sample) * sample;
  }
  return samples.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

double seconds(const std::vector<std::int16_t>& samples, int rate) {
  return static_cast<double>(samples.size()) / rate;
}

// Collects what one job delivers; callbacks arrive on the engine's worker thread.
struct Recording {
  std::mutex mutex;
  std::vector<std::int16_t> samples;
  std::size_t chunks = 0;
  std::promise<SynthesisOutcome> outcome;
  std::future<SynthesisOutcome> done = outcome.get_future();

  AudioChunkCallback on_chunk() {
    return [this](std::span<const std::int16_t> chunk) {
      std::lock_guard lock(mutex);
      samples.insert(samples.end(), chunk.begin(), chunk.end());
      ++chunks;
    };
  }
  SynthesisDoneCallback on_done() {
    return [this](const SynthesisOutcome& result) { outcome.set_value(result); };
  }
  SynthesisOutcome wait() {
    EXPECT_EQ(done.wait_for(kTimeout), std::future_status::ready);
    return done.get();
  }
  std::size_t chunk_count() {
    std::lock_guard lock(mutex);
    return chunks;
  }
};

SpeechOptions english_at(int rate) {
  SpeechOptions options;
  options.voice = "en-us";
  options.sample_rate = rate;
  return options;
}

class EspeakEngineTest : public ::testing::Test {
 protected:
  EspeakEngine engine;
};

TEST_F(EspeakEngineTest, SynthesizesHelloWorldAtTelephoneAndWidebandRates) {
  EspeakSynthesizer narrowband(engine, english_at(8000));
  EspeakSynthesizer wideband(engine, english_at(16000));
  const auto at_8k = narrowband.synthesize_all("Hello world", kTimeout);
  const auto at_16k = wideband.synthesize_all("Hello world", kTimeout);

  EXPECT_EQ(engine.native_sample_rate(), 22050);
  for (const auto& [audio, rate] : {std::pair{&at_8k, 8000}, std::pair{&at_16k, 16000}}) {
    EXPECT_GT(seconds(*audio, rate), 0.5) << rate;
    EXPECT_LT(seconds(*audio, rate), 3.0) << rate;
    EXPECT_GT(rms(*audio), 1000.0) << rate;
  }
  EXPECT_NEAR(seconds(at_8k, 8000), seconds(at_16k, 16000), 0.01);
}

// espeak-ng's pitch flutter runs on a counter that never resets (a static in its wave generator),
// so two runs of the same text differ by a few milliseconds; the audio must otherwise match.
TEST_F(EspeakEngineTest, StreamedChunksAddUpToTheOneShotAudio) {
  Recording streamed;
  EspeakSynthesizer synthesizer(engine, english_at(16000));
  synthesizer.synthesize("Hello world, this is patter speaking.", streamed.on_chunk(),
                         streamed.on_done());
  EXPECT_EQ(streamed.wait().status, Status::completed);
  const auto one_shot =
      synthesizer.synthesize_all("Hello world, this is patter speaking.", kTimeout);

  EXPECT_GT(streamed.chunk_count(), 5U);
  EXPECT_NEAR(seconds(streamed.samples, 16000), seconds(one_shot, 16000), 0.03);
  EXPECT_NEAR(rms(streamed.samples) / rms(one_shot), 1.0, 0.05);
}

TEST_F(EspeakEngineTest, NoChunkArrivesAfterCancelReturns) {
  std::promise<void> first_chunk;
  std::atomic<bool> saw_first{false};
  std::atomic<std::size_t> chunks{0};
  std::promise<SynthesisOutcome> outcome;
  auto handle = engine.submit(
      kLongText, english_at(8000),
      [&](std::span<const std::int16_t>) {
        ++chunks;
        if (!saw_first.exchange(true)) {
          first_chunk.set_value();
        }
        std::this_thread::sleep_for(5ms);
      },
      [&](const SynthesisOutcome& result) { outcome.set_value(result); });
  ASSERT_EQ(first_chunk.get_future().wait_for(kTimeout), std::future_status::ready);
  handle.cancel();
  const std::size_t chunks_at_cancel = chunks.load();

  auto done = outcome.get_future();
  ASSERT_EQ(done.wait_for(kTimeout), std::future_status::ready);
  EXPECT_EQ(done.get().status, Status::cancelled);
  EXPECT_TRUE(handle.cancelled());
  EXPECT_EQ(chunks.load(), chunks_at_cancel);
}

TEST_F(EspeakEngineTest, CancelFromInsideTheChunkCallbackStopsTheJob) {
  std::atomic<std::size_t> chunks{0};
  Recording recording;
  SynthesisHandle handle;
  std::promise<void> submitted;
  auto submitted_future = submitted.get_future().share();
  handle = engine.submit(
      kLongText, english_at(8000),
      [&, submitted_future](std::span<const std::int16_t>) {
        submitted_future.wait_for(kTimeout);
        ++chunks;
        handle.cancel();
      },
      recording.on_done());
  submitted.set_value();
  EXPECT_EQ(recording.wait().status, Status::cancelled);
  EXPECT_EQ(chunks.load(), 1U);
}

TEST_F(EspeakEngineTest, UnknownVoiceFailsWithAClearErrorAndTheEngineKeepsWorking) {
  SpeechOptions options = english_at(16000);
  options.voice = "no-such-voice";
  Recording failed;
  engine.submit("Hello", options, failed.on_chunk(), failed.on_done());
  const auto outcome = failed.wait();
  EXPECT_EQ(outcome.status, Status::failed);
  EXPECT_NE(outcome.error.find("no-such-voice"), std::string::npos) << outcome.error;
  EXPECT_EQ(failed.chunk_count(), 0U);

  EspeakSynthesizer synthesizer(engine, english_at(16000));
  EXPECT_GT(synthesizer.synthesize_all("Hello", kTimeout).size(), 1000U);
  EspeakSynthesizer broken(engine, options);
  try {
    broken.synthesize_all("Hello", kTimeout);
    FAIL() << "an unknown voice produced audio";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::upstream_error);
    EXPECT_NE(std::string(error.what()).find("no-such-voice"), std::string::npos);
  }
}

TEST_F(EspeakEngineTest, OtherLanguagesAndRateAndPitchChangeTheAudio) {
  SpeechOptions italian = english_at(16000);
  italian.voice = "it";
  SpeechOptions fast = english_at(16000);
  fast.rate_wpm = 350;
  SpeechOptions high = english_at(16000);
  high.pitch = 90;
  EspeakSynthesizer english(engine, english_at(16000));
  const auto normal_audio = english.synthesize_all("one two three four five", kTimeout);
  english.set_options(italian);
  const auto italian_audio = english.synthesize_all("buongiorno a tutti", kTimeout);
  english.set_options(fast);
  const auto fast_audio = english.synthesize_all("one two three four five", kTimeout);
  english.set_options(high);
  const auto high_audio = english.synthesize_all("one two three four five", kTimeout);

  EXPECT_GT(rms(italian_audio), 1000.0);
  EXPECT_LT(seconds(fast_audio, 16000), 0.7 * seconds(normal_audio, 16000));
  EXPECT_NE(high_audio, normal_audio);
}

TEST_F(EspeakEngineTest, QueuedJobsRunInSubmissionOrder) {
  std::mutex mutex;
  std::vector<char> events;
  auto chunk_of = [&](char job) {
    return [&, job](std::span<const std::int16_t>) {
      std::lock_guard lock(mutex);
      events.push_back(job);
    };
  };
  Recording first;
  Recording second;
  engine.submit("first job", english_at(8000), chunk_of('a'), first.on_done());
  engine.submit("second job", english_at(8000), chunk_of('b'), second.on_done());
  EXPECT_EQ(first.wait().status, Status::completed);
  EXPECT_EQ(second.wait().status, Status::completed);

  std::lock_guard lock(mutex);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front(), 'a');
  EXPECT_EQ(events.back(), 'b');
  EXPECT_TRUE(std::is_sorted(events.begin(), events.end()));
}

TEST_F(EspeakEngineTest, RejectsOutOfRangeOptions) {
  auto ignore_chunk = [](std::span<const std::int16_t>) {};
  SpeechOptions options = english_at(4000);
  EXPECT_THROW(engine.submit("x", options, ignore_chunk, {}), core::Error);
  options = english_at(16000);
  options.rate_wpm = 10;
  EXPECT_THROW(engine.submit("x", options, ignore_chunk, {}), core::Error);
  options = english_at(16000);
  options.pitch = 101;
  EXPECT_THROW(engine.submit("x", options, ignore_chunk, {}), core::Error);
  try {
    EspeakEngine second;
    FAIL() << "a second espeak-ng engine was created";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::conflict);
  }
}

TEST(EspeakEngineLifetime, DestructionWithJobsPendingCancelsThemAndReturns) {
  constexpr int kJobs = 6;
  std::vector<std::unique_ptr<Recording>> recordings;
  const auto started = std::chrono::steady_clock::now();
  {
    EspeakEngine engine;
    for (int i = 0; i < kJobs; ++i) {
      recordings.push_back(std::make_unique<Recording>());
      engine.submit(kLongText, english_at(16000), recordings.back()->on_chunk(),
                    recordings.back()->on_done());
    }
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  for (auto& recording : recordings) {
    ASSERT_EQ(recording->done.wait_for(0s), std::future_status::ready);
  }
  EXPECT_EQ(recordings.back()->done.get().status, Status::cancelled);
  EXPECT_EQ(recordings.back()->chunk_count(), 0U);
  EspeakEngine recreated;
  EspeakSynthesizer synthesizer(recreated, english_at(8000));
  EXPECT_GT(synthesizer.synthesize_all("again", kTimeout).size(), 1000U);
}

TEST(EspeakEngineLifetime, MissingDataPathIsAClearInitialisationError) {
  EspeakEngineOptions options;
  options.data_path = "/nonexistent/espeak-data-dir";
  try {
    EspeakEngine engine(options);
    FAIL() << "espeak-ng initialised without data";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::unavailable);
    EXPECT_NE(std::string(error.what()).find("/nonexistent/espeak-data-dir"), std::string::npos)
        << error.what();
  }
  EspeakEngine working;
  EspeakSynthesizer synthesizer(working, english_at(8000));
  EXPECT_GT(synthesizer.synthesize_all("still works", kTimeout).size(), 1000U);
}

}  // namespace
}  // namespace patter::providers
