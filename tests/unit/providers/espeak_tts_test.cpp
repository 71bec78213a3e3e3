#include "providers/embedded/espeak_tts.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <tuple>
#include <vector>

#include "core/error.hpp"

namespace patter::providers {
namespace {

using namespace std::chrono_literals;

constexpr auto kTimeout = 20s;
constexpr const char* kLongText =
    "This sentence is long enough that synthesis is still running when the test cancels it. "
    "It keeps going with a second sentence, and then a third one, about telephones and voices.";

std::vector<std::int16_t> samples_of(const std::vector<std::uint8_t>& bytes) {
  std::vector<std::int16_t> samples;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    samples.push_back(static_cast<std::int16_t>(bytes[i] | (bytes[i + 1] << 8)));
  }
  return samples;
}

double rms(const std::vector<std::int16_t>& samples) {
  double sum = 0;
  for (const auto sample : samples) sum += static_cast<double>(sample) * sample;
  return samples.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

// What one stream delivered; events arrive on the engine's worker thread.
struct TtsRecording {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::uint8_t> bytes;
  std::size_t chunks = 0;
  std::size_t dones = 0;
  std::vector<std::string> errors;
  std::function<void()> on_first_audio;

  TtsEvents events() {
    TtsEvents events;
    events.on_audio = [this](std::span<const std::uint8_t> audio) {
      std::function<void()> hook;
      {
        std::lock_guard lock(mutex);
        bytes.insert(bytes.end(), audio.begin(), audio.end());
        if (chunks++ == 0) hook = on_first_audio;
      }
      changed.notify_all();
      if (hook) hook();
    };
    events.on_done = [this] {
      std::lock_guard lock(mutex);
      ++dones;
      changed.notify_all();
    };
    events.on_error = [this](const std::string& message) {
      std::lock_guard lock(mutex);
      errors.push_back(message);
      changed.notify_all();
    };
    return events;
  }

  bool wait_until(const std::function<bool()>& ready) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, kTimeout, ready);
  }
  bool wait_end() {
    return wait_until([this] { return dones + errors.size() > 0; });
  }
};

EspeakTtsOptions at_rate(int sample_rate) {
  EspeakTtsOptions options;
  options.sample_rate = sample_rate;
  return options;
}

class EspeakTtsTest : public ::testing::Test {
 protected:
  // The engine runs jobs one at a time: once a later job ends, every earlier one has.
  void drain(EspeakTts& tts) {
    TtsRecording marker;
    auto stream = tts.synthesize(context, "", marker.events());
    ASSERT_TRUE(marker.wait_end());
  }

  std::shared_ptr<EspeakEngine> engine = std::make_shared<EspeakEngine>();
  StreamContext context{"call-1", "en", nullptr};
};

TEST_F(EspeakTtsTest, NamesItselfAndItsFormat) {
  EspeakTts tts(engine, at_rate(8000));
  EXPECT_EQ(tts.name(), "espeak");
  EXPECT_EQ(tts.model(), "espeak-ng");
  EXPECT_EQ(tts.output_format(), (AudioFormat{Encoding::pcm16_le, 8000}));
  EXPECT_EQ(EspeakTts(engine).output_format(), kPcm16k);
}

TEST_F(EspeakTtsTest, SpeaksNonSilentPcm16AtTheRequestedRate) {
  double seconds_at[2] = {};
  for (const int rate : {8000, 16000}) {
    EspeakTts tts(engine, at_rate(rate));
    TtsRecording recording;
    auto stream = tts.synthesize(context, "Hello world", recording.events());
    ASSERT_TRUE(recording.wait_end()) << rate;
    std::lock_guard lock(recording.mutex);
    EXPECT_TRUE(recording.errors.empty()) << recording.errors.front();
    EXPECT_EQ(recording.dones, 1U);
    EXPECT_GT(recording.chunks, 3U);
    EXPECT_EQ(recording.bytes.size() % 2, 0U);
    const auto samples = samples_of(recording.bytes);
    const double seconds = static_cast<double>(samples.size()) / rate;
    EXPECT_GT(seconds, 0.5) << rate;
    EXPECT_LT(seconds, 3.0) << rate;
    EXPECT_GT(rms(samples), 1000.0) << rate;
    seconds_at[rate == 8000 ? 0 : 1] = seconds;
  }
  EXPECT_NEAR(seconds_at[0], seconds_at[1], 0.02);
}

TEST_F(EspeakTtsTest, LanguageCodesMapToEspeakVoices) {
  EXPECT_EQ(espeak_voice_for("en"), "en-us");
  EXPECT_EQ(espeak_voice_for("en-US"), "en-us");
  EXPECT_EQ(espeak_voice_for("en_GB"), "en");
  EXPECT_EQ(espeak_voice_for("it"), "it");
  EXPECT_EQ(espeak_voice_for("it-IT"), "it");
  EXPECT_EQ(espeak_voice_for("de-DE"), "de");
  EXPECT_EQ(espeak_voice_for("pt-BR"), "pt-br");
  EXPECT_EQ(espeak_voice_for("es-MX"), "es-419");
  EXPECT_EQ(espeak_voice_for("es-ES"), "es");
  EXPECT_EQ(espeak_voice_for("zh-CN"), "cmn");
  EXPECT_EQ(espeak_voice_for("en-gb-x-rp"), "en-gb-x-rp");
  EXPECT_EQ(espeak_voice_for("en-us+f3"), "en-us+f3");
}

TEST_F(EspeakTtsTest, SpeaksTheCallsLanguageUnlessAVoiceIsSet) {
  EspeakTts by_language(engine);
  EspeakTtsOptions voice_options;
  voice_options.voice = "en-GB";
  EspeakTts by_voice(engine, voice_options);
  for (const auto& [tts, language, text] :
       {std::tuple{&by_language, "it-IT", "buongiorno a tutti"},
        std::tuple{&by_language, "de", "guten Tag"}, std::tuple{&by_voice, "xx", "good day"}}) {
    StreamContext call{"call-2", language, nullptr};
    TtsRecording recording;
    auto stream = tts->synthesize(call, text, recording.events());
    ASSERT_TRUE(recording.wait_end()) << language;
    std::lock_guard lock(recording.mutex);
    EXPECT_EQ(recording.dones, 1U) << language;
    EXPECT_TRUE(recording.errors.empty()) << language << ": " << recording.errors.front();
    EXPECT_GT(rms(samples_of(recording.bytes)), 1000.0) << language;
  }
}

TEST_F(EspeakTtsTest, UnknownVoiceIsReportedThroughOnError) {
  EspeakTtsOptions options;
  options.voice = "no-such-voice";
  EspeakTts tts(engine, options);
  TtsRecording recording;
  auto stream = tts.synthesize(context, "Hello", recording.events());
  ASSERT_TRUE(recording.wait_end());
  drain(tts);
  std::lock_guard lock(recording.mutex);
  ASSERT_EQ(recording.errors.size(), 1U);
  EXPECT_NE(recording.errors.front().find("no-such-voice"), std::string::npos);
  EXPECT_EQ(recording.dones, 0U);
  EXPECT_TRUE(recording.bytes.empty());
}

TEST_F(EspeakTtsTest, BlankTextEndsWithDoneAndNoAudio) {
  EspeakTts tts(engine);
  for (const char* text : {"", "  \n\t "}) {
    TtsRecording recording;
    auto stream = tts.synthesize(context, text, recording.events());
    ASSERT_TRUE(recording.wait_end());
    drain(tts);
    std::lock_guard lock(recording.mutex);
    EXPECT_EQ(recording.dones, 1U);
    EXPECT_TRUE(recording.errors.empty());
    EXPECT_EQ(recording.chunks, 0U);
  }
}

TEST_F(EspeakTtsTest, NothingArrivesAfterCancelReturns) {
  EspeakTts tts(engine, at_rate(8000));
  TtsRecording recording;
  std::promise<void> first_audio;
  std::promise<void> cancelling;
  // Holds the worker inside the first chunk until the test cancels, so the job is still running.
  recording.on_first_audio = [&first_audio, cancelling = cancelling.get_future().share()] {
    first_audio.set_value();
    cancelling.wait();
  };
  auto stream = tts.synthesize(context, kLongText, recording.events());
  ASSERT_EQ(first_audio.get_future().wait_for(kTimeout), std::future_status::ready);
  cancelling.set_value();
  stream->cancel();
  std::size_t bytes_at_cancel = 0;
  {
    std::lock_guard lock(recording.mutex);
    bytes_at_cancel = recording.bytes.size();
  }
  drain(tts);
  std::lock_guard lock(recording.mutex);
  EXPECT_EQ(recording.bytes.size(), bytes_at_cancel);
  EXPECT_EQ(recording.dones, 0U);
  EXPECT_TRUE(recording.errors.empty());
}

TEST_F(EspeakTtsTest, CancelInsideAnAudioEventStopsTheStream) {
  EspeakTts tts(engine);
  TtsRecording recording;
  std::unique_ptr<TtsStream> stream;
  std::promise<void> stored;
  recording.on_first_audio = [&stream, stored = stored.get_future().share()] {
    stored.wait();
    stream->cancel();
  };
  stream = tts.synthesize(context, kLongText, recording.events());
  stored.set_value();
  drain(tts);
  std::lock_guard lock(recording.mutex);
  EXPECT_EQ(recording.chunks, 1U);
  EXPECT_EQ(recording.dones, 0U);
  EXPECT_TRUE(recording.errors.empty());
}

TEST_F(EspeakTtsTest, DestroyingTheStreamCancelsIt) {
  EspeakTts tts(engine);
  TtsRecording recording;
  std::promise<void> destroying;
  recording.on_first_audio = [destroying = destroying.get_future().share()] { destroying.wait(); };
  auto stream = tts.synthesize(context, kLongText, recording.events());
  destroying.set_value();
  stream.reset();
  drain(tts);
  std::lock_guard lock(recording.mutex);
  EXPECT_EQ(recording.dones, 0U);
  EXPECT_TRUE(recording.errors.empty());
}

TEST_F(EspeakTtsTest, RejectsOutOfRangeOptions) {
  EXPECT_THROW(EspeakTts(engine, at_rate(4000)), core::Error);
  EXPECT_THROW(EspeakTts(engine, at_rate(96000)), core::Error);
  EspeakTtsOptions slow;
  slow.rate_wpm = 10;
  EXPECT_THROW(EspeakTts(engine, slow), core::Error);
  EspeakTtsOptions shrill;
  shrill.pitch = 101;
  EXPECT_THROW(EspeakTts(engine, shrill), core::Error);
  EXPECT_THROW(EspeakTts(nullptr), core::Error);
}

TEST(EspeakTtsLifetime, StreamsOutliveTheEngineAndLearnOfItsShutdown) {
  std::vector<std::unique_ptr<TtsRecording>> recordings;
  std::vector<std::unique_ptr<TtsStream>> streams;
  std::promise<void> shutting_down;
  {
    EspeakTts tts(std::make_shared<EspeakEngine>());
    const StreamContext context{"call-1", "en", nullptr};
    for (int i = 0; i < 3; ++i) {
      recordings.push_back(std::make_unique<TtsRecording>());
      if (i == 0) {
        // Holds the first job until the engine is about to go, so the others are still queued.
        recordings.back()->on_first_audio = [until = shutting_down.get_future().share()] {
          until.wait();
        };
      }
      streams.push_back(tts.synthesize(context, kLongText, recordings.back()->events()));
    }
    shutting_down.set_value();
  }  // the provider held the last reference: the engine is gone, its jobs cancelled
  for (auto& recording : recordings) {
    std::lock_guard lock(recording->mutex);
    EXPECT_EQ(recording->dones + recording->errors.size(), 1U);
  }
  {
    std::lock_guard lock(recordings.back()->mutex);
    ASSERT_EQ(recordings.back()->errors.size(), 1U);
    EXPECT_NE(recordings.back()->errors.front().find("cancelled"), std::string::npos);
  }
  for (auto& stream : streams) stream->cancel();
}

}  // namespace
}  // namespace patter::providers
