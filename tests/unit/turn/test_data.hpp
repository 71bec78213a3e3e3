#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace patter::turn::testing {

struct Clip {
  int sample_rate = 0;
  std::vector<std::int16_t> samples;
};

std::filesystem::path vad_data_dir();
// Reads a mono PCM16 WAV file; fails the calling test (and returns an empty clip) on bad input.
Clip read_wav(const std::filesystem::path& path);
// Reads the `window,probability` CSV written by tools/silero-reference/make-reference.mjs.
std::vector<float> read_reference_probabilities(const std::filesystem::path& path);

}  // namespace patter::turn::testing
