#include "audio/mixer.hpp"

#include <algorithm>
#include <array>

namespace patter::audio {

namespace {

constexpr std::size_t kBlock = 256;

std::int16_t saturate(float value, std::size_t& clipped) {
  if (value >= 32767.5F) {
    ++clipped;
    return 32767;
  }
  if (value <= -32768.5F) {
    ++clipped;
    return -32768;
  }
  // Rounds half away from zero without a libm call, so the loop stays cheap.
  return static_cast<std::int16_t>(value + (value >= 0.0F ? 0.5F : -0.5F));
}

}  // namespace

std::size_t mix(std::span<const MixInput> inputs, std::span<std::int16_t> out) {
  std::size_t clipped = 0;
  std::array<float, kBlock> sum{};
  for (std::size_t start = 0; start < out.size(); start += kBlock) {
    const std::size_t length = std::min(kBlock, out.size() - start);
    std::fill_n(sum.begin(), length, 0.0F);
    for (const MixInput& input : inputs) {
      if (input.samples.size() <= start) continue;
      const std::size_t available = std::min(length, input.samples.size() - start);
      const std::int16_t* source = input.samples.data() + start;
      for (std::size_t i = 0; i < available; ++i) sum[i] += input.gain * source[i];
    }
    for (std::size_t i = 0; i < length; ++i) out[start + i] = saturate(sum[i], clipped);
  }
  return clipped;
}

std::size_t apply_gain(std::span<std::int16_t> samples, float gain) {
  std::size_t clipped = 0;
  for (std::int16_t& sample : samples) sample = saturate(gain * sample, clipped);
  return clipped;
}

}  // namespace patter::audio
