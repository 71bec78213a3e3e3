#include "providers/embedded/pocketsphinx_stt.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "providers/embedded/espeak_synthesizer.hpp"

namespace patter::providers {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

constexpr auto kTimeout = 60s;
const std::vector<std::string> kPhrases = {"yes", "no", "hello world", "goodbye", "call me back"};

// Quiet, deterministic background noise: digital silence is not what a phone line carries.
void append_noise(std::vector<std::int16_t>& samples, double seconds) {
  std::uint32_t state = 12345;
  for (int i = 0; i < static_cast<int>(seconds * 16000); ++i) {
    state = state * 1664525U + 1013904223U;
    samples.push_back(static_cast<std::int16_t>(static_cast<int>(state >> 27) - 16));
  }
}

Bytes pcm16_le(const std::vector<std::int16_t>& samples) {
  Bytes bytes;
  for (const auto sample : samples) {
    const auto bits = static_cast<std::uint16_t>(sample);
    bytes.push_back(static_cast<std::uint8_t>(bits & 0xFFU));
    bytes.push_back(static_cast<std::uint8_t>(bits >> 8U));
  }
  return bytes;
}

// Noise, espeak-ng saying `text` at 16 kHz, then `tail_seconds` of noise; as PCM16 LE bytes.
Bytes spoken_clip(const std::string& text, double tail_seconds) {
  EspeakEngine engine;
  SpeechOptions options;
  options.voice = "en-us";
  options.rate_wpm = 150;
  EspeakSynthesizer synthesizer(engine, options);
  const auto speech = synthesizer.synthesize_all(text, 20s);
  std::vector<std::int16_t> clip;
  append_noise(clip, 0.5);
  clip.insert(clip.end(), speech.begin(), speech.end());
  append_noise(clip, tail_seconds);
  return pcm16_le(clip);
}

// What a stream reported; events arrive on the worker thread.
struct SttRecording {
  std::mutex mutex;
  std::vector<patter::Transcript> partials;
  std::vector<patter::Transcript> finals;
  std::vector<std::string> errors;

  SttEvents events() {
    SttEvents events;
    events.on_transcript = [this](const patter::Transcript& transcript) {
      std::lock_guard lock(mutex);
      (transcript.is_final ? finals : partials).push_back(transcript);
    };
    events.on_error = [this](const std::string& message) {
      std::lock_guard lock(mutex);
      errors.push_back(message);
    };
    return events;
  }

  std::vector<std::string> partial_texts() {
    std::lock_guard lock(mutex);
    std::vector<std::string> texts;
    for (const auto& partial : partials) texts.push_back(partial.text);
    return texts;
  }
};

PocketsphinxSttOptions grammar_options(std::shared_ptr<SerialWorker> worker = nullptr) {
  PocketsphinxSttOptions options;
  options.recognizer.phrases = kPhrases;
  options.worker = std::move(worker);
  options.worker_queue_capacity = 4096;
  return options;
}

// Returns once the worker has run everything queued so far (waiting for room in a full queue).
void drain(SerialWorker& worker) {
  std::promise<void> reached;
  for (;;) {
    try {
      worker.post([&reached] { reached.set_value(); });
      break;
    } catch (const core::Error& error) {
      ASSERT_EQ(error.code(), core::Errc::rate_limited);
      std::this_thread::yield();
    }
  }
  ASSERT_EQ(reached.get_future().wait_for(kTimeout), std::future_status::ready);
}

class PocketsphinxSttTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    hello = new Bytes(spoken_clip("hello world", 1.0));
    hello_without_tail = new Bytes(spoken_clip("hello world", 0.0));
  }
  static void TearDownTestSuite() {
    delete hello;
    delete hello_without_tail;
  }

  // Pushes `clip` through the provider interface in `chunk`-byte pieces, then finalizes.
  void recognise(SttRecording& recording, const Bytes& clip, std::size_t chunk) {
    auto stream = stt.open(context, recording.events());
    for (std::size_t offset = 0; offset < clip.size(); offset += chunk) {
      stream->push_audio(std::span(clip).subspan(offset, std::min(chunk, clip.size() - offset)));
    }
    stream->finalize();
    drain(*stt.worker());
  }

  static inline Bytes* hello = nullptr;
  static inline Bytes* hello_without_tail = nullptr;
  PocketsphinxStt stt{grammar_options()};
  StreamContext context{"call-1", "en", nullptr};
};

TEST_F(PocketsphinxSttTest, NamesItselfAndItsFormat) {
  EXPECT_EQ(stt.name(), "pocketsphinx");
  EXPECT_EQ(stt.input_format(), kPcm16k);
}

TEST_F(PocketsphinxSttTest, RecognisesAGrammarPhraseWithPartialsThenOneFinal) {
  SttRecording recording;
  recognise(recording, *hello, 640);
  std::lock_guard lock(recording.mutex);
  EXPECT_TRUE(recording.errors.empty());
  ASSERT_EQ(recording.finals.size(), 1U);
  const auto& result = recording.finals.front();
  EXPECT_EQ(result.text, "hello world");
  EXPECT_TRUE(result.is_final);
  EXPECT_TRUE(result.speech_final);
  EXPECT_GE(result.confidence, 0.0);
  EXPECT_LE(result.confidence, 1.0);
  ASSERT_FALSE(recording.partials.empty());
  EXPECT_FALSE(recording.partials.front().speech_final);
}

TEST_F(PocketsphinxSttTest, OddByteSplitsGiveTheSameResult) {
  SttRecording even;
  SttRecording odd;
  SttRecording large_odd;
  recognise(even, *hello, 640);
  recognise(odd, *hello, 333);
  recognise(large_odd, *hello, 1001);
  ASSERT_EQ(even.finals.size(), 1U);
  for (auto* split : {&odd, &large_odd}) {
    EXPECT_TRUE(split->errors.empty());
    ASSERT_EQ(split->finals.size(), 1U);
    EXPECT_EQ(split->finals.front().text, "hello world");
    EXPECT_EQ(split->finals.front().confidence, even.finals.front().confidence);
    EXPECT_EQ(split->partial_texts(), even.partial_texts());
  }
}

TEST_F(PocketsphinxSttTest, FinalizeEndsTheUtteranceWithoutTrailingSilence) {
  SttRecording recording;
  recognise(recording, *hello_without_tail, 640);
  std::lock_guard lock(recording.mutex);
  ASSERT_EQ(recording.finals.size(), 1U);
  EXPECT_EQ(recording.finals.front().text, "hello world");
}

TEST_F(PocketsphinxSttTest, NoEventsAfterClose) {
  SttRecording recording;
  auto stream = stt.open(context, recording.events());
  stream->push_audio(*hello);
  stream->finalize();
  stream->close();
  stream->push_audio(*hello);
  stream->finalize();
  drain(*stt.worker());
  std::lock_guard lock(recording.mutex);
  EXPECT_TRUE(recording.partials.empty());
  EXPECT_TRUE(recording.finals.empty());
  EXPECT_TRUE(recording.errors.empty());
}

TEST_F(PocketsphinxSttTest, StreamsOfSeveralCallsShareOneWorker) {
  auto worker = std::make_shared<SerialWorker>(4096);
  PocketsphinxStt first(grammar_options(worker));
  PocketsphinxStt second(grammar_options(worker));
  EXPECT_EQ(first.worker(), second.worker());
  SttRecording one;
  SttRecording two;
  auto stream_one = first.open(context, one.events());
  auto stream_two = second.open(context, two.events());
  for (std::size_t offset = 0; offset < hello->size(); offset += 640) {
    const auto chunk =
        std::span(*hello).subspan(offset, std::min<std::size_t>(640, hello->size() - offset));
    stream_one->push_audio(chunk);
    stream_two->push_audio(chunk);
  }
  drain(*worker);
  ASSERT_EQ(one.finals.size(), 1U);
  ASSERT_EQ(two.finals.size(), 1U);
  EXPECT_EQ(one.finals.front().text, "hello world");
  EXPECT_EQ(two.finals.front().text, "hello world");
}

TEST_F(PocketsphinxSttTest, AFailedDecoderIsReportedOnceThroughOnError) {
  PocketsphinxSttOptions options = grammar_options();
  options.recognizer.phrases = {"yes", "qzxvbnmw"};
  PocketsphinxStt broken(options);
  SttRecording recording;
  auto stream = broken.open(context, recording.events());
  stream->push_audio(*hello);
  drain(*broken.worker());
  stream->push_audio(*hello);
  stream->finalize();
  drain(*broken.worker());
  std::lock_guard lock(recording.mutex);
  ASSERT_EQ(recording.errors.size(), 1U);
  EXPECT_NE(recording.errors.front().find("grammar"), std::string::npos)
      << recording.errors.front();
  EXPECT_TRUE(recording.finals.empty());
}

TEST_F(PocketsphinxSttTest, AudioIsDroppedWithAWarningWhenDecodingFallsBehind) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));

  auto worker = std::make_shared<SerialWorker>(2);
  std::promise<void> blocked;
  std::promise<void> release;
  auto released = release.get_future().share();
  worker->post([&blocked, released] {
    blocked.set_value();
    released.wait();
  });
  blocked.get_future().wait();
  PocketsphinxStt stt_on_busy_worker(grammar_options(worker));
  SttRecording recording;
  auto stream = stt_on_busy_worker.open(context, recording.events());  // queues the model load
  for (int i = 0; i < 5; ++i) {
    EXPECT_NO_THROW(stream->push_audio(std::span(*hello).first(640)));
  }
  release.set_value();
  drain(*worker);
  EXPECT_NO_THROW(stream->push_audio(std::span(*hello).first(640)));
  drain(*worker);
  spdlog::set_default_logger(previous);

  std::lock_guard lock(recording.mutex);
  EXPECT_TRUE(recording.errors.empty());
  EXPECT_NE(log.str().find("falling behind"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("call-1"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("dropping 4 audio chunks"), std::string::npos) << log.str();
}

TEST(PocketsphinxSttSetup, RejectsBadPhrasesAndRates) {
  PocketsphinxSttOptions bad_phrase;
  bad_phrase.recognizer.phrases = {"Hello!"};
  EXPECT_THROW(PocketsphinxStt{bad_phrase}, core::Error);
  PocketsphinxSttOptions bad_rate;
  bad_rate.recognizer.input_sample_rate = 4000;
  EXPECT_THROW(PocketsphinxStt{bad_rate}, core::Error);
  PocketsphinxSttOptions narrowband;
  narrowband.recognizer.input_sample_rate = 8000;
  EXPECT_EQ(PocketsphinxStt(narrowband).input_format(), (AudioFormat{Encoding::pcm16_le, 8000}));
}

}  // namespace
}  // namespace patter::providers
