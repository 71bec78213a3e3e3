#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "audio/audio_format.hpp"
#include "audio/pcm16.hpp"
#include "audio/resampler.hpp"

namespace patter::audio {

// Streaming conversion between two formats: decode, resample (keeping the filter state across
// chunks), encode. Input chunks may split samples; identical formats pass through untouched.
class FormatConverter {
 public:
  FormatConverter(AudioFormat from, AudioFormat to);

  // Returns the converted bytes available so far; valid until the next call.
  std::span<const std::uint8_t> convert(std::span<const std::uint8_t> bytes);
  // The same, from linear samples at the input rate (the input encoding is ignored).
  std::span<const std::uint8_t> convert_samples(std::span<const std::int16_t> samples);
  // Ends the stream (the resampler's tail) and readies the converter for a new one.
  std::span<const std::uint8_t> flush();
  // Drops everything buffered (a carried odd byte, the resampler's state).
  void reset();

  [[nodiscard]] const AudioFormat& from() const { return from_; }
  [[nodiscard]] const AudioFormat& to() const { return to_; }

 private:
  std::span<const std::uint8_t> encode(std::span<const std::int16_t> samples);

  AudioFormat from_;
  AudioFormat to_;
  std::optional<Pcm16StreamDecoder> pcm_decoder_;
  std::optional<Resampler> resampler_;
  std::vector<std::int16_t> decoded_;
  std::vector<std::uint8_t> out_;
};

}  // namespace patter::audio
