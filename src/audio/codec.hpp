#pragma once

#include <cstdint>
#include <span>

#include "audio/audio_format.hpp"

namespace patter::audio {

// Decodes `bytes` (whole samples in `encoding`) into linear samples; returns how many were
// written. Throws std::invalid_argument on a partial sample, std::length_error if `out` is short.
std::size_t decode_samples(Encoding encoding, std::span<const std::uint8_t> bytes,
                           std::span<std::int16_t> out);
// Encodes `samples`; returns how many bytes were written.
std::size_t encode_samples(Encoding encoding, std::span<const std::int16_t> samples,
                           std::span<std::uint8_t> out);

}  // namespace patter::audio
