#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <vector>

#include "audio/audio_format.hpp"

namespace patter::audio {

// A malformed or unsupported WAV file; the message names the offending field.
class WavError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// WAV audio as stored: PCM16 (little-endian), μ-law or A-law; mono or interleaved stereo.
struct WavAudio {
  Encoding encoding = Encoding::pcm16_le;
  int sample_rate = 8000;
  int channels = 1;
  std::vector<std::uint8_t> data;

  [[nodiscard]] std::size_t frame_count() const {
    return data.size() / (bytes_per_sample(encoding) * static_cast<std::size_t>(channels));
  }
  // Interleaved linear samples.
  [[nodiscard]] std::vector<std::int16_t> samples() const;
  // Builds PCM16 (or μ-law / A-law) audio from interleaved linear samples.
  static WavAudio from_samples(std::span<const std::int16_t> samples, int sample_rate,
                               int channels = 1, Encoding encoding = Encoding::pcm16_le);
};

// Parses a whole WAV file. Accepts WAVE_FORMAT_PCM (16-bit), MULAW and ALAW (8-bit) and their
// WAVE_FORMAT_EXTENSIBLE forms, skips unknown chunks, and takes a data size of 0xFFFFFFFF
// (written by streaming recorders) as "up to the end of the file". Throws WavError.
WavAudio parse_wav(std::span<const std::uint8_t> file);
std::vector<std::uint8_t> serialize_wav(const WavAudio& audio);

WavAudio read_wav_file(const std::filesystem::path& path);
void write_wav_file(const std::filesystem::path& path, const WavAudio& audio);

}  // namespace patter::audio
