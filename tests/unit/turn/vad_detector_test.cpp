#include "turn/vad_detector.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace patter::turn {
namespace {

constexpr int kWindow = 512;  // 32 ms at 16 kHz

// Replays fixed probabilities, one per window, and records what it was given.
class ScriptedClassifier final : public SpeechClassifier {
 public:
  explicit ScriptedClassifier(std::vector<float> probabilities)
      : probabilities_(std::move(probabilities)) {}

  [[nodiscard]] int sample_rate() const override { return 16000; }
  [[nodiscard]] int window_samples() const override { return kWindow; }
  float speech_probability(std::span<const float> window) override {
    first_samples.push_back(window.front());
    last_samples.push_back(window.back());
    return next_ < probabilities_.size() ? probabilities_[next_++] : 0.0F;
  }
  void reset() override { ++resets; }

  std::vector<float> first_samples;
  std::vector<float> last_samples;
  int resets = 0;

 private:
  std::vector<float> probabilities_;
  std::size_t next_ = 0;
};

std::vector<float> repeat(float probability, int windows) {
  return std::vector<float>(static_cast<std::size_t>(windows), probability);
}

std::vector<float> concat(std::initializer_list<std::vector<float>> parts) {
  std::vector<float> all;
  for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

VadOptions unsmoothed() {
  VadOptions options;
  options.smoothing = 0.0F;
  return options;
}

struct Harness {
  explicit Harness(std::vector<float> probabilities, VadOptions options = unsmoothed()) {
    auto owned = std::make_unique<ScriptedClassifier>(std::move(probabilities));
    classifier = owned.get();
    detector = std::make_unique<VadDetector>(std::move(owned), options);
  }

  std::vector<VadEvent> push_windows(int windows, std::size_t chunk = kWindow) {
    const std::vector<std::int16_t> silence(static_cast<std::size_t>(windows) * kWindow);
    std::vector<VadEvent> events;
    for (std::size_t offset = 0; offset < silence.size(); offset += chunk) {
      const std::size_t size = std::min(chunk, silence.size() - offset);
      for (const VadEvent& event : detector->push(std::span(silence).subspan(offset, size))) {
        events.push_back(event);
      }
    }
    return events;
  }

  ScriptedClassifier* classifier;
  std::unique_ptr<VadDetector> detector;
};

TEST(VadDetectorTest, DefaultsFollowTheReference) {
  const VadOptions options;
  EXPECT_FLOAT_EQ(options.activation_threshold, 0.5F);
  EXPECT_FLOAT_EQ(options.effective_deactivation_threshold(), 0.35F);
  EXPECT_EQ(options.min_speech_ms, 50);
  EXPECT_EQ(options.min_silence_ms, 550);
  EXPECT_FLOAT_EQ(options.smoothing, 0.35F);
  VadOptions low;
  low.activation_threshold = 0.1F;
  EXPECT_FLOAT_EQ(low.effective_deactivation_threshold(), 0.01F);
}

TEST(VadDetectorTest, OneSpeechWindowIsShorterThanMinimumSpeech) {
  Harness harness(concat({repeat(0, 2), repeat(1, 1), repeat(0, 5)}));
  EXPECT_TRUE(harness.push_windows(8).empty());
  EXPECT_FALSE(harness.detector->speaking());
}

TEST(VadDetectorTest, SpeechStartsOnceMinimumSpeechIsReached) {
  Harness harness(concat({repeat(0, 2), repeat(0.9F, 3)}));
  const auto events = harness.push_windows(5);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].type, VadEventType::speech_start);
  EXPECT_DOUBLE_EQ(events[0].timestamp_ms, 64.0);  // window 2 starts at 2 x 32 ms
  EXPECT_DOUBLE_EQ(events[0].speech_duration_ms, 64.0);
  EXPECT_FLOAT_EQ(events[0].confidence, 0.9F);
  EXPECT_TRUE(harness.detector->speaking());
}

TEST(VadDetectorTest, ShortSilenceDoesNotEndSpeechButMinimumSilenceDoes) {
  // 17 silent windows (544 ms) < 550 ms; 18 (576 ms) is enough.
  Harness harness(concat({repeat(1, 2), repeat(0, 17), repeat(1, 1), repeat(0, 18)}));
  const auto events = harness.push_windows(2 + 17 + 1 + 18);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].type, VadEventType::speech_start);
  EXPECT_DOUBLE_EQ(events[0].timestamp_ms, 0.0);
  EXPECT_EQ(events[1].type, VadEventType::speech_end);
  EXPECT_DOUBLE_EQ(events[1].timestamp_ms, 20 * 32.0);  // where the closing silence began
  EXPECT_DOUBLE_EQ(events[1].speech_duration_ms, 20 * 32.0);
  EXPECT_FLOAT_EQ(events[1].confidence, 0.0F);
  EXPECT_FALSE(harness.detector->speaking());
}

TEST(VadDetectorTest, EndAtSilenceClosesSpeechWhereTheSilenceBegan) {
  Harness harness(concat({repeat(1, 4), repeat(0, 5), repeat(1, 4)}));
  ASSERT_EQ(harness.push_windows(4).size(), 1U);
  EXPECT_FALSE(harness.detector->end_at_silence()) << "no silence yet: the caller is still speaking";
  EXPECT_TRUE(harness.detector->speaking());

  EXPECT_TRUE(harness.push_windows(5).empty());
  const auto ended = harness.detector->end_at_silence();
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->type, VadEventType::speech_end);
  EXPECT_DOUBLE_EQ(ended->timestamp_ms, 4 * 32.0);
  EXPECT_DOUBLE_EQ(ended->speech_duration_ms, 4 * 32.0);
  EXPECT_FALSE(harness.detector->speaking());
  EXPECT_FALSE(harness.detector->end_at_silence());

  const auto events = harness.push_windows(4);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].type, VadEventType::speech_start) << "speech after it starts anew";
}

TEST(VadDetectorTest, HysteresisKeepsSpeechBetweenTheThresholds) {
  Harness speaking(concat({repeat(1, 2), repeat(0.4F, 40)}));
  EXPECT_EQ(speaking.push_windows(42).size(), 1U);
  EXPECT_TRUE(speaking.detector->speaking());

  Harness silent(repeat(0.45F, 40));
  EXPECT_TRUE(silent.push_windows(40).empty());
}

TEST(VadDetectorTest, DeactivationThresholdCanBeSet) {
  VadOptions options = unsmoothed();
  options.deactivation_threshold = 0.45F;
  Harness harness(concat({repeat(1, 2), repeat(0.4F, 18)}), options);
  const auto events = harness.push_windows(20);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[1].type, VadEventType::speech_end);
}

TEST(VadDetectorTest, SmoothingDampsASingleSpikeAndFollowsSustainedSpeech) {
  VadOptions options;  // smoothing 0.35: smoothed = 0.35 * previous + 0.65 * current
  Harness spike(concat({repeat(0, 2), repeat(1, 1), repeat(0, 3)}), options);
  EXPECT_TRUE(spike.push_windows(6).empty());

  Harness sustained(concat({repeat(0, 1), repeat(1, 2)}), options);
  const auto events = sustained.push_windows(3);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_DOUBLE_EQ(events[0].timestamp_ms, 32.0);
  EXPECT_NEAR(events[0].confidence, 0.35F * 0.65F + 0.65F, 1e-6);
  EXPECT_NEAR(sustained.detector->smoothed_probability(), 0.8775F, 1e-6);
}

TEST(VadDetectorTest, ChunkSizeDoesNotChangeEventsOrTimestamps) {
  const auto script = concat({repeat(0, 3), repeat(1, 10), repeat(0, 20), repeat(1, 4)});
  Harness reference(script);
  const auto expected = reference.push_windows(37);
  ASSERT_EQ(expected.size(), 3U);
  for (const std::size_t chunk : {1U, 7U, 160U, 320U, 1000U, 4096U}) {
    Harness harness(script);
    const auto events = harness.push_windows(37, chunk);
    ASSERT_EQ(events.size(), expected.size()) << "chunk " << chunk;
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].type, expected[i].type) << "chunk " << chunk;
      EXPECT_DOUBLE_EQ(events[i].timestamp_ms, expected[i].timestamp_ms) << "chunk " << chunk;
    }
  }
}

TEST(VadDetectorTest, WindowsCarryTheSamplesInOrderScaledToUnitRange) {
  Harness harness({});
  std::vector<std::int16_t> ramp(std::size_t{3} * kWindow);
  for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<std::int16_t>(i * 10);
  for (std::size_t offset = 0; offset < ramp.size(); offset += 300) {
    harness.detector->push(
        std::span(ramp).subspan(offset, std::min<std::size_t>(300, ramp.size() - offset)));
  }
  ASSERT_EQ(harness.classifier->first_samples.size(), 3U);
  for (std::size_t w = 0; w < 3; ++w) {
    EXPECT_FLOAT_EQ(harness.classifier->first_samples[w], ramp[w * kWindow] / 32768.0F);
    EXPECT_FLOAT_EQ(harness.classifier->last_samples[w],
                    ramp[w * kWindow + kWindow - 1] / 32768.0F);
  }
}

TEST(VadDetectorTest, ResetForgetsSpeechBufferedSamplesAndAudioTime) {
  Harness harness(concat({repeat(1, 3), repeat(0, 2), repeat(1, 2)}));
  ASSERT_EQ(harness.push_windows(3).size(), 1U);
  const std::vector<std::int16_t> partial(100);
  harness.detector->push(partial);
  harness.detector->reset();
  EXPECT_FALSE(harness.detector->speaking());
  EXPECT_EQ(harness.classifier->resets, 1);
  const auto events = harness.push_windows(4);  // the partial window was dropped
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].type, VadEventType::speech_start);
  EXPECT_DOUBLE_EQ(events[0].timestamp_ms, 64.0);  // time restarted from zero at reset
}

TEST(VadDetectorTest, RejectsInconsistentOptions) {
  VadOptions inverted;
  inverted.activation_threshold = 0.3F;
  inverted.deactivation_threshold = 0.6F;
  EXPECT_THROW(VadDetector(std::make_unique<ScriptedClassifier>(std::vector<float>{}), inverted),
               std::invalid_argument);
  VadOptions bad_smoothing;
  bad_smoothing.smoothing = 1.0F;
  EXPECT_THROW(
      VadDetector(std::make_unique<ScriptedClassifier>(std::vector<float>{}), bad_smoothing),
      std::invalid_argument);
  EXPECT_THROW(VadDetector(nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace patter::turn
