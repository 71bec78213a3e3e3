#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "audio/mixer.hpp"

namespace patter::audio {
namespace {

TEST(Mixer, SumsStreamsWithGainsRoundingToNearest) {
  const std::vector<std::int16_t> voice = {1000, -1000, 3, 0};
  const std::vector<std::int16_t> music = {100, 100, 1, -7};
  std::vector<std::int16_t> out(4);
  const MixInput inputs[] = {{voice, 1.0F}, {music, 0.5F}};
  EXPECT_EQ(mix(inputs, out), 0U);
  EXPECT_EQ(out, (std::vector<std::int16_t>{1050, -950, 4, -4}));
}

TEST(Mixer, SaturatesAndCountsClippedSamples) {
  const std::vector<std::int16_t> loud = {30000, -30000, 20000, 10};
  std::vector<std::int16_t> out(4);
  const MixInput inputs[] = {{loud, 1.0F}, {loud, 1.0F}};
  EXPECT_EQ(mix(inputs, out), 3U);
  EXPECT_EQ(out, (std::vector<std::int16_t>{32767, -32768, 32767, 20}));
}

TEST(Mixer, ShortInputsAreSilentPastTheirEndAcrossBlocks) {
  std::vector<std::int16_t> long_input(1000, 10);
  std::vector<std::int16_t> short_input(300, 5);
  std::vector<std::int16_t> out(1000, 123);
  const MixInput inputs[] = {{long_input, 1.0F}, {short_input, 2.0F}};
  mix(inputs, out);
  for (std::size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], i < 300 ? 20 : 10) << i;
}

TEST(Mixer, NoInputsGiveSilence) {
  std::vector<std::int16_t> out(5, 77);
  EXPECT_EQ(mix({}, out), 0U);
  EXPECT_EQ(out, std::vector<std::int16_t>(5, 0));
}

TEST(Mixer, OutputMayBeOneOfTheInputs) {
  std::vector<std::int16_t> voice(600);
  for (std::size_t i = 0; i < voice.size(); ++i) voice[i] = static_cast<std::int16_t>(i);
  const std::vector<std::int16_t> background(600, -100);
  const MixInput inputs[] = {{voice, 1.0F}, {background, 0.25F}};
  mix(inputs, voice);
  for (std::size_t i = 0; i < voice.size(); ++i) ASSERT_EQ(voice[i], static_cast<int>(i) - 25);
}

TEST(Mixer, ApplyGainScalesInPlaceWithSaturation) {
  std::vector<std::int16_t> samples = {100, -100, 20000, -20000, 1};
  EXPECT_EQ(apply_gain(samples, 2.0F), 2U);
  EXPECT_EQ(samples, (std::vector<std::int16_t>{200, -200, 32767, -32768, 2}));
  EXPECT_EQ(apply_gain(samples, 0.0F), 0U);
  EXPECT_EQ(samples, std::vector<std::int16_t>(5, 0));
}

}  // namespace
}  // namespace patter::audio
