// The whole detector on real speech: Silero via the factory, fed like a call feeds it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "test_data.hpp"
#include "turn/silero_model_path.hpp"
#include "turn/vad_factory.hpp"

namespace patter::turn {
namespace {

struct SpokenRegion {
  double start_ms = 0.0;
  double end_ms = 0.0;
};

// Where the clip is audibly non-silent (espeak-ng output padded with digital silence).
SpokenRegion spoken_region(const testing::Clip& clip) {
  std::size_t first = clip.samples.size();
  std::size_t last = 0;
  for (std::size_t i = 0; i < clip.samples.size(); ++i) {
    if (std::abs(clip.samples[i]) > 300) {
      first = std::min(first, i);
      last = i;
    }
  }
  const double ms_per_sample = 1000.0 / clip.sample_rate;
  return {static_cast<double>(first) * ms_per_sample, static_cast<double>(last) * ms_per_sample};
}

struct ClipCase {
  std::string clip;
  std::string clean_clip;  // the same speech without noise, to find where it is spoken
};

class VadSpeechClipTest : public ::testing::TestWithParam<ClipCase> {};

TEST_P(VadSpeechClipTest, SpeechStartsInsideTheSpokenRegionAndEndsAfterIt) {
  const SileroModelLoad load = load_silero_model();
  ASSERT_NE(load.model, nullptr) << load.warning;
  const testing::Clip clip =
      testing::read_wav(testing::vad_data_dir() / (GetParam().clip + ".wav"));
  const SpokenRegion region =
      spoken_region(testing::read_wav(testing::vad_data_dir() / (GetParam().clean_clip + ".wav")));
  ASSERT_LT(region.start_ms, region.end_ms);

  auto detector = make_vad_detector(load.model, clip.sample_rate);
  std::vector<std::int16_t> audio = clip.samples;
  audio.resize(audio.size() + static_cast<std::size_t>(clip.sample_rate), 0);  // 1 s of silence
  const std::size_t chunk = static_cast<std::size_t>(clip.sample_rate) / 50;   // 20 ms frames
  std::vector<VadEvent> events;
  for (std::size_t offset = 0; offset < audio.size(); offset += chunk) {
    const auto size = std::min(chunk, audio.size() - offset);
    for (const auto& event : detector->push(std::span(audio).subspan(offset, size))) {
      events.push_back(event);
    }
  }

  ASSERT_GE(events.size(), 2U);
  EXPECT_EQ(events.front().type, VadEventType::speech_start);
  EXPECT_GE(events.front().timestamp_ms, region.start_ms - 64.0);
  EXPECT_LE(events.front().timestamp_ms, region.start_ms + 300.0);
  EXPECT_GT(events.front().confidence, 0.5F);
  EXPECT_EQ(events.back().type, VadEventType::speech_end);
  EXPECT_GE(events.back().timestamp_ms, region.end_ms - 300.0);
  EXPECT_LE(events.back().timestamp_ms, region.end_ms + 200.0);
  EXPECT_FALSE(detector->speaking());
}

INSTANTIATE_TEST_SUITE_P(Clips, VadSpeechClipTest,
                         ::testing::Values(ClipCase{"speech_16k", "speech_16k"},
                                           ClipCase{"speech_8k", "speech_8k"},
                                           ClipCase{"speech_noise_8k", "speech_8k"}),
                         [](const ::testing::TestParamInfo<ClipCase>& param) {
                           return param.param.clip;
                         });

}  // namespace
}  // namespace patter::turn
