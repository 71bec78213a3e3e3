#include "providers/embedded/pocketsphinx_recognizer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "providers/embedded/espeak_synthesizer.hpp"

namespace patter::providers {
namespace {

using namespace std::chrono_literals;
using Samples = std::vector<std::int16_t>;

constexpr auto kTimeout = 60s;
const std::vector<std::string> kPhrases = {"yes", "no", "hello world", "goodbye", "call me back"};

// Quiet, deterministic background noise: digital silence is not what a phone line carries.
Samples noise(double seconds, int rate) {
  Samples samples(static_cast<std::size_t>(seconds * rate));
  std::uint32_t state = 12345;
  for (auto& sample : samples) {
    state = state * 1664525U + 1013904223U;
    sample = static_cast<std::int16_t>(static_cast<int>(state >> 27) - 16);
  }
  return samples;
}

Samples spoken_clip(const std::string& text, int rate) {
  EspeakEngine engine;
  SpeechOptions options;
  options.voice = "en-us";
  options.sample_rate = rate;
  options.rate_wpm = 150;
  EspeakSynthesizer synthesizer(engine, options);
  const Samples speech = synthesizer.synthesize_all(text, 20s);
  Samples clip = noise(0.5, rate);
  clip.insert(clip.end(), speech.begin(), speech.end());
  const Samples tail = noise(1.0, rate);
  clip.insert(clip.end(), tail.begin(), tail.end());
  return clip;
}

// What a recognizer reported; callbacks arrive on the worker thread.
struct RecognitionLog {
  std::mutex mutex;
  std::vector<Transcript> partials;
  std::vector<Transcript> finals;
  std::vector<std::string> errors;
  std::thread::id final_thread;

  RecognizerCallbacks callbacks() {
    return {
        [this](const Transcript& partial) {
          std::lock_guard lock(mutex);
          partials.push_back(partial);
        },
        [this](const Transcript& result) {
          std::lock_guard lock(mutex);
          finals.push_back(result);
          final_thread = std::this_thread::get_id();
        },
        [this](const std::string& error) {
          std::lock_guard lock(mutex);
          errors.push_back(error);
        },
    };
  }

  std::string final_text() {
    std::lock_guard lock(mutex);
    std::string text;
    for (const auto& result : finals) {
      text += (text.empty() ? "" : " ") + result.text;
    }
    return text;
  }
};

RecognizerOptions grammar_options(int rate = 16000) {
  RecognizerOptions options;
  options.phrases = kPhrases;
  options.input_sample_rate = rate;
  return options;
}

// Feeds `clip` in chunks of `chunk` samples, finalizes, and waits for the worker to finish.
void recognise(RecognitionLog& log, RecognizerOptions options, const Samples& clip,
               std::size_t chunk, std::thread::id* worker_thread = nullptr) {
  auto worker = std::make_shared<SerialWorker>(4096);
  if (worker_thread != nullptr) {
    *worker_thread = worker->thread_id();
  }
  PocketsphinxRecognizer recognizer(worker, std::move(options), log.callbacks());
  for (std::size_t offset = 0; offset < clip.size(); offset += chunk) {
    recognizer.feed(std::span(clip).subspan(offset, std::min(chunk, clip.size() - offset)));
  }
  std::promise<void> finalized;
  recognizer.finalize([&finalized] { finalized.set_value(); });
  ASSERT_EQ(finalized.get_future().wait_for(kTimeout), std::future_status::ready);
}

class PocketsphinxRecognizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    yes_16k = new Samples(spoken_clip("yes", 16000));
    hello_16k = new Samples(spoken_clip("hello world", 16000));
    hello_8k = new Samples(spoken_clip("hello world", 8000));
  }
  static void TearDownTestSuite() {
    delete yes_16k;
    delete hello_16k;
    delete hello_8k;
  }
  static inline Samples* yes_16k = nullptr;
  static inline Samples* hello_16k = nullptr;
  static inline Samples* hello_8k = nullptr;
};

// A grammar search can end without reaching the end of any phrase (here the telephone-band first
// utterance of a long phrase); the words it followed are still reported, rather than nothing.
TEST(PocketsphinxRecognizerPartialPhraseTest, AnUnfinishedPhraseStillGivesTheWordsHeard) {
  EspeakEngine engine;
  SpeechOptions speech;
  speech.voice = "en-us";
  speech.sample_rate = 8000;
  speech.rate_wpm = 150;
  EspeakSynthesizer synthesizer(engine, speech);
  const Samples words = synthesizer.synthesize_all("what are your opening hours", 20s);
  Samples clip = noise(1.0, 8000);
  clip.insert(clip.end(), words.begin(), words.end());
  const Samples tail = noise(1.0, 8000);
  clip.insert(clip.end(), tail.begin(), tail.end());

  RecognizerOptions options;
  options.phrases = {"what are your opening hours", "where are you", "book a table", "goodbye"};
  options.input_sample_rate = 8000;
  RecognitionLog log;
  recognise(log, std::move(options), clip, 160);
  EXPECT_TRUE(log.errors.empty());
  const std::string heard = log.final_text();
  EXPECT_FALSE(heard.empty());
  EXPECT_TRUE(std::string_view("what are your opening hours").starts_with(heard)) << heard;
}

TEST_F(PocketsphinxRecognizerTest, GrammarModeRecognisesASingleWordOnTheWorkerThread) {
  RecognitionLog log;
  std::thread::id worker_thread;
  recognise(log, grammar_options(), *yes_16k, 320, &worker_thread);

  EXPECT_TRUE(log.errors.empty());
  ASSERT_EQ(log.finals.size(), 1U);
  EXPECT_EQ(log.finals.front().text, "yes");
  EXPECT_GE(log.finals.front().confidence, 0.0);
  EXPECT_LE(log.finals.front().confidence, 1.0);
  EXPECT_EQ(log.final_thread, worker_thread);
  EXPECT_NE(worker_thread, std::this_thread::get_id());
}

TEST_F(PocketsphinxRecognizerTest, GrammarModeRecognisesAPhraseWithPartialsOnTheWay) {
  RecognitionLog log;
  recognise(log, grammar_options(), *hello_16k, 320);
  EXPECT_EQ(log.final_text(), "hello world");
  EXPECT_FALSE(log.partials.empty());
}

TEST_F(PocketsphinxRecognizerTest, TelephoneRateAudioIsResampledForTheModel) {
  RecognitionLog log;
  recognise(log, grammar_options(8000), *hello_8k, 160);
  EXPECT_EQ(log.final_text(), "hello world");
}

TEST_F(PocketsphinxRecognizerTest, FinalResultDoesNotDependOnChunkSize) {
  RecognitionLog small;
  RecognitionLog odd;
  RecognitionLog whole;
  recognise(small, grammar_options(), *hello_16k, 160);
  recognise(odd, grammar_options(), *hello_16k, 1237);
  recognise(whole, grammar_options(), *hello_16k, hello_16k->size());
  EXPECT_EQ(small.final_text(), "hello world");
  EXPECT_EQ(odd.final_text(), small.final_text());
  EXPECT_EQ(whole.final_text(), small.final_text());
}

TEST_F(PocketsphinxRecognizerTest, SilenceGivesNoFinalResult) {
  RecognitionLog log;
  recognise(log, grammar_options(), noise(2.0, 16000), 320);
  EXPECT_TRUE(log.errors.empty());
  EXPECT_TRUE(log.finals.empty()) << log.final_text();
}

TEST_F(PocketsphinxRecognizerTest, ResetDiscardsTheUtteranceInProgress) {
  RecognitionLog log;
  auto worker = std::make_shared<SerialWorker>(64);
  PocketsphinxRecognizer recognizer(worker, grammar_options(), log.callbacks());
  recognizer.feed(std::span(*hello_16k).first(16000 / 2 + 16000 / 3));
  recognizer.reset();
  std::promise<void> finalized;
  recognizer.finalize([&finalized] { finalized.set_value(); });
  ASSERT_EQ(finalized.get_future().wait_for(kTimeout), std::future_status::ready);
  EXPECT_TRUE(log.finals.empty()) << log.final_text();
}

TEST_F(PocketsphinxRecognizerTest, LanguageModelModeTranscribesOpenVocabulary) {
  RecognitionLog log;
  RecognizerOptions options;
  recognise(log, options, *hello_16k, 320);
  EXPECT_TRUE(log.errors.empty());
  EXPECT_FALSE(log.final_text().empty());
  RecordProperty("language_model_heard", log.final_text());
}

TEST(PocketsphinxRecognizerSetup, RejectsBadPhrasesAndMissingModels) {
  auto worker = std::make_shared<SerialWorker>(4);
  RecognizerOptions bad_phrase;
  bad_phrase.phrases = {"Hello!"};
  EXPECT_THROW(PocketsphinxRecognizer(worker, bad_phrase, {}), core::Error);
  RecognizerOptions missing_model;
  missing_model.acoustic_model = "/nonexistent/model";
  try {
    PocketsphinxRecognizer recognizer(worker, missing_model, {});
    FAIL() << "a recognizer was created without a model";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::config_invalid);
    EXPECT_NE(std::string(error.what()).find("/nonexistent/model"), std::string::npos);
  }
  EXPECT_EQ(PocketsphinxRecognizer::grammar_for({"yes", "no"}),
            "#JSGF V1.0;\ngrammar patter;\npublic <phrase> = yes | no;\n");
}

TEST(PocketsphinxRecognizerSetup, AWordMissingFromTheDictionaryIsReportedAsAnError) {
  RecognitionLog log;
  RecognizerOptions options;
  options.phrases = {"yes", "qzxvbnmw"};
  recognise(log, options, noise(0.2, 16000), 320);
  std::lock_guard lock(log.mutex);
  ASSERT_EQ(log.errors.size(), 1U);
  EXPECT_NE(log.errors.front().find("grammar"), std::string::npos) << log.errors.front();
}

}  // namespace
}  // namespace patter::providers
