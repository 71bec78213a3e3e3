#include "turn/silero_vad.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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
