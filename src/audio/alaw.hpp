#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

// G.711 A-law. The 16-bit input is first rounded to the 13-bit resolution G.711 A-law is
// defined on (as sox does); negative values use one's-complement magnitudes, and every other
// bit of the code is inverted (XOR 0x55).
namespace patter::audio {

namespace detail {

constexpr std::int16_t alaw_code_to_linear(std::uint8_t code) {
  const unsigned bits = code ^ 0x55U;
  const unsigned segment = (bits >> 4) & 0x07;
  const unsigned step = bits & 0x0F;
  // Each step is reconstructed at the middle of its interval.
  unsigned magnitude = (step << 4) + 8;
  if (segment > 0) magnitude = (magnitude + 0x100) << (segment - 1);
  const int value = static_cast<int>(magnitude);
  return static_cast<std::int16_t>((bits & 0x80) != 0 ? value : -value);
}

constexpr std::array<std::int16_t, 256> make_alaw_decode_table() {
  std::array<std::int16_t, 256> table{};
  for (unsigned code = 0; code < 256; ++code) {
    table[code] = alaw_code_to_linear(static_cast<std::uint8_t>(code));
  }
  return table;
}

// Quantises a 13-bit value (-4096..4095).
constexpr std::uint8_t alaw_code_from_13bit(int value) {
  const bool negative = value < 0;
  const unsigned magnitude = static_cast<unsigned>(negative ? -value - 1 : value);
  const unsigned mask = negative ? 0x55 : 0xD5;
  const int width = std::bit_width(magnitude);
  const int segment = width > 5 ? width - 5 : 0;
  const unsigned step = (magnitude >> (segment > 1 ? segment : 1)) & 0x0F;
  return static_cast<std::uint8_t>(((static_cast<unsigned>(segment) << 4) | step) ^ mask);
}

constexpr std::array<std::uint8_t, 8192> make_alaw_encode_table() {
  std::array<std::uint8_t, 8192> table{};
  for (int value = -4096; value < 4096; ++value) table[value + 4096] = alaw_code_from_13bit(value);
  return table;
}

}  // namespace detail

inline constexpr std::array<std::int16_t, 256> kAlawDecodeTable = detail::make_alaw_decode_table();
// Indexed by the 13-bit value + 4096.
inline constexpr std::array<std::uint8_t, 8192> kAlawEncodeTable = detail::make_alaw_encode_table();

constexpr std::uint8_t alaw_encode(std::int16_t sample) {
  const int value = std::min((sample + 4) >> 3, 4095);  // round to 13 bits
  return kAlawEncodeTable[static_cast<std::size_t>(value + 4096)];
}

constexpr std::int16_t alaw_decode(std::uint8_t code) {
  return kAlawDecodeTable[code];
}

// Whole-buffer forms; `out` must hold at least `in.size()` elements (else std::length_error).
void alaw_encode(std::span<const std::int16_t> in, std::span<std::uint8_t> out);
void alaw_decode(std::span<const std::uint8_t> in, std::span<std::int16_t> out);

}  // namespace patter::audio
