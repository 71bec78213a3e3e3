#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace patter::audio {

struct MixInput {
  std::span<const std::int16_t> samples;
  float gain = 1.0F;
};

// Writes the gain-weighted sum of `inputs` into `out` (all `out.size()` samples), rounding half
// away from zero and saturating at the int16 limits. An input shorter than `out` is silent past its
// end. `out` may be one of the inputs (same start). Returns how many samples were clipped.
std::size_t mix(std::span<const MixInput> inputs, std::span<std::int16_t> out);

// In place: samples *= gain, rounded and saturated. Returns how many samples were clipped.
std::size_t apply_gain(std::span<std::int16_t> samples, float gain);

}  // namespace patter::audio
