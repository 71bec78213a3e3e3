#include "turn/silero_vad.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "test_data.hpp"
#include "turn/silero_model_path.hpp"

namespace patter::turn {
namespace {

constexpr double kTolerance = 1e-3;

// The model is needed by CI, which installs it with tools/fetch-silero-model.sh: a missing file
// fails these tests rather than skipping them.
std::shared_ptr<const SileroModel> shared_model() {
  static const std::shared_ptr<const SileroModel> model = [] {
    const SileroModelLocation location = locate_silero_model();
    if (!location.found) return std::shared_ptr<const SileroModel>();
    return SileroModel::load(location.path);
  }();
  return model;
}

std::vector<float> run_clip(SileroVad& vad, const testing::Clip& clip) {
  const auto window = static_cast<std::size_t>(vad.window_samples());
  std::vector<float> samples(window);
  std::vector<float> probabilities;
  for (std::size_t start = 0; start + window <= clip.samples.size(); start += window) {
    for (std::size_t i = 0; i < window; ++i)
      samples[i] = static_cast<float>(clip.samples[start + i]) / 32768.0F;
    probabilities.push_back(vad.speech_probability(samples));
  }
  return probabilities;
}

double max_abs_error(const std::vector<float>& actual, const std::vector<float>& expected) {
  EXPECT_EQ(actual.size(), expected.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
    worst = std::max(worst, std::abs(static_cast<double>(actual[i]) - expected[i]));
  }
  return worst;
}

SampleRate rate_of(const testing::Clip& clip) {
  return clip.sample_rate == 8000 ? SampleRate::k8000 : SampleRate::k16000;
}

class SileroReferenceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const SileroModelLocation location = locate_silero_model();
    ASSERT_TRUE(location.found) << location.problem;
    model_ = shared_model();
    ASSERT_TRUE(model_);
    clip_ = testing::read_wav(testing::vad_data_dir() / (GetParam() + ".wav"));
    expected_ = testing::read_reference_probabilities(testing::vad_data_dir() /
                                                      (GetParam() + ".silero.csv"));
    ASSERT_FALSE(expected_.empty());
  }

  std::shared_ptr<const SileroModel> model_;
  testing::Clip clip_;
  std::vector<float> expected_;
};

TEST_P(SileroReferenceTest, MatchesOnnxRuntimeWindowByWindow) {
  SileroVad vad(model_, rate_of(clip_));
  const double error = max_abs_error(run_clip(vad, clip_), expected_);
  RecordProperty("max_abs_error", std::to_string(error));
  std::printf("[ max abs error ] %s: %.3g\n", GetParam().c_str(), error);
  EXPECT_LE(error, kTolerance);
}

TEST_P(SileroReferenceTest, ResetStartsOverFromTheInitialState) {
  SileroVad vad(model_, rate_of(clip_));
  run_clip(vad, clip_);
  vad.reset();
  EXPECT_LE(max_abs_error(run_clip(vad, clip_), expected_), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(Clips, SileroReferenceTest,
                         ::testing::Values("speech_16k", "silence_16k", "noise_16k", "speech_8k",
                                           "speech_noise_8k"));

TEST(SileroVadTest, CallsSharingOneModelKeepSeparateState) {
  const SileroModelLocation location = locate_silero_model();
  ASSERT_TRUE(location.found) << location.problem;
  const auto model = shared_model();
  const auto speech = testing::read_wav(testing::vad_data_dir() / "speech_16k.wav");
  const auto noise = testing::read_wav(testing::vad_data_dir() / "speech_noise_8k.wav");
  const auto speech_expected =
      testing::read_reference_probabilities(testing::vad_data_dir() / "speech_16k.silero.csv");
  const auto noise_expected =
      testing::read_reference_probabilities(testing::vad_data_dir() / "speech_noise_8k.silero.csv");

  SileroVad first(model, SampleRate::k16000);
  SileroVad second(model, SampleRate::k8000);
  std::vector<float> first_window(512);
  std::vector<float> second_window(256);
  const std::size_t windows = std::min(speech_expected.size(), noise_expected.size());
  for (std::size_t w = 0; w < windows; ++w) {
    for (std::size_t i = 0; i < 512; ++i)
      first_window[i] = static_cast<float>(speech.samples[w * 512 + i]) / 32768.0F;
    for (std::size_t i = 0; i < 256; ++i)
      second_window[i] = static_cast<float>(noise.samples[w * 256 + i]) / 32768.0F;
    ASSERT_NEAR(first.speech_probability(first_window), speech_expected[w], kTolerance)
        << "window " << w;
    ASSERT_NEAR(second.speech_probability(second_window), noise_expected[w], kTolerance)
        << "window " << w;
  }
}

// What a caller sends while the agent talks: seconds of digital silence, then speech.
testing::Clip after_silence(const testing::Clip& clip, int silent_windows, int window) {
  testing::Clip call{clip.sample_rate, std::vector<std::int16_t>(static_cast<std::size_t>(silent_windows * window), 0)};
  call.samples.insert(call.samples.end(), clip.samples.begin(), clip.samples.end());
  return call;
}

// A long digital silence is skipped once settled, and the speech after it is scored exactly as at
// the start of a stream: the ONNX Runtime reference probabilities of the clip alone.
TEST(SileroVadTest, SettledDigitalSilenceIsSkippedAndSpeechAfterItScoresAsAtStreamStart) {
  const SileroModelLocation location = locate_silero_model();
  ASSERT_TRUE(location.found) << location.problem;
  for (const std::string name : {"speech_8k", "speech_16k"}) {
    const auto clip = testing::read_wav(testing::vad_data_dir() / (name + ".wav"));
    const auto expected = testing::read_reference_probabilities(testing::vad_data_dir() / (name + ".silero.csv"));
    SileroVad vad(shared_model(), rate_of(clip));
    constexpr int kSilentWindows = 100;  // 3.2 s
    const auto probabilities = run_clip(vad, after_silence(clip, kSilentWindows, vad.window_samples()));
    ASSERT_EQ(probabilities.size(), kSilentWindows + expected.size());
    for (int w = 0; w < kSilentWindows; ++w) {
      EXPECT_LE(probabilities[static_cast<std::size_t>(w)], SileroVad::kSkipBelowProbability) << name << " window " << w;
    }
    const std::vector<float> speech(probabilities.begin() + kSilentWindows, probabilities.end());
    EXPECT_LE(max_abs_error(speech, expected), kTolerance) << name;
    EXPECT_EQ(vad.windows_skipped(),
              static_cast<std::uint64_t>(kSilentWindows - SileroVad::kSilentWindowsToSkip))
        << name;
  }
}

// Silence shorter than the skip threshold, and line noise of any length, are inferred as usual.
TEST(SileroVadTest, ShortSilencesAndNoiseAreAlwaysInferred) {
  const SileroModelLocation location = locate_silero_model();
  ASSERT_TRUE(location.found) << location.problem;
  const auto clip = testing::read_wav(testing::vad_data_dir() / "speech_8k.wav");
  SileroVad skipping(shared_model(), SampleRate::k8000);
  SileroVad computing(shared_model(), SampleRate::k8000, /*skip_digital_silence=*/false);
  const auto call = after_silence(clip, SileroVad::kSilentWindowsToSkip - 1, skipping.window_samples());
  const auto skipped = run_clip(skipping, call);
  const auto computed = run_clip(computing, call);
  EXPECT_EQ(skipped, computed);
  EXPECT_EQ(skipping.windows_skipped(), 0U);

  const auto noise = testing::read_wav(testing::vad_data_dir() / "noise_16k.wav");
  SileroVad noisy(shared_model(), SampleRate::k16000);
  const auto expected = testing::read_reference_probabilities(testing::vad_data_dir() / "noise_16k.silero.csv");
  EXPECT_LE(max_abs_error(run_clip(noisy, noise), expected), kTolerance);
  EXPECT_EQ(noisy.windows_skipped(), 0U);
}

TEST(SileroVadTest, RejectsWindowsOfTheWrongSize) {
  const SileroModelLocation location = locate_silero_model();
  ASSERT_TRUE(location.found) << location.problem;
  SileroVad vad(shared_model(), SampleRate::k16000);
  EXPECT_EQ(vad.window_samples(), 512);
  const std::vector<float> short_window(256);
  EXPECT_THROW(vad.speech_probability(short_window), std::invalid_argument);
}

}  // namespace
}  // namespace patter::turn
