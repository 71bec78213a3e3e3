#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

// G.711 μ-law. The 16-bit input is first rounded to the 14-bit resolution G.711 μ-law is
// defined on (as sox does), then quantised into sign, 3-bit segment and 4-bit step.
namespace patter::audio {

namespace detail {

constexpr std::int16_t mulaw_code_to_linear(std::uint8_t code) {
  const unsigned bits = static_cast<std::uint8_t>(~code);
  const unsigned segment = (bits >> 4) & 0x07;
  const unsigned step = bits & 0x0F;
  const int magnitude = static_cast<int>(((step << 3) + 0x84) << segment) - 0x84;
  return static_cast<std::int16_t>((bits & 0x80) != 0 ? -magnitude : magnitude);
}

constexpr std::array<std::int16_t, 256> make_mulaw_decode_table() {
  std::array<std::int16_t, 256> table{};
  for (unsigned code = 0; code < 256; ++code) {
    table[code] = mulaw_code_to_linear(static_cast<std::uint8_t>(code));
  }
  return table;
}

// Quantises a 14-bit value (-8192..8191).
constexpr std::uint8_t mulaw_code_from_14bit(int value) {
  constexpr int kBias = 33;  // in 14-bit units: moves the segment edges to powers of two
  // G.711 clips magnitudes above 8159; 8158 and up all share the top code, and clipping at
  // 8158 keeps the biased value below 8192, so the segment needs no range check.
  constexpr int kClip = 8158;
  const int sign = value >> 31;  // 0 or -1
  const int magnitude = std::min((value ^ sign) - sign, kClip) + kBias;
  const int segment = std::bit_width(static_cast<unsigned>(magnitude)) - 6;
  const int step = (magnitude >> (segment + 1)) & 0x0F;
  const int mask = 0xFF ^ (sign & 0x80);
  return static_cast<std::uint8_t>(((segment << 4) | step) ^ mask);
}

constexpr std::array<std::uint8_t, 16384> make_mulaw_encode_table() {
  std::array<std::uint8_t, 16384> table{};
  for (int value = -8192; value < 8192; ++value) table[value + 8192] = mulaw_code_from_14bit(value);
  return table;
}

}  // namespace detail

inline constexpr std::array<std::int16_t, 256> kMulawDecodeTable =
    detail::make_mulaw_decode_table();
// Indexed by the 14-bit value + 8192.
inline constexpr std::array<std::uint8_t, 16384> kMulawEncodeTable =
    detail::make_mulaw_encode_table();

constexpr std::uint8_t mulaw_encode(std::int16_t sample) {
  const int value = std::min((sample + 2) >> 2, 8191);  // round to 14 bits
  return kMulawEncodeTable[static_cast<std::size_t>(value + 8192)];
}

constexpr std::int16_t mulaw_decode(std::uint8_t code) {
  return kMulawDecodeTable[code];
}

// Whole-buffer forms; `out` must hold at least `in.size()` elements (else std::length_error).
void mulaw_encode(std::span<const std::int16_t> in, std::span<std::uint8_t> out);
void mulaw_decode(std::span<const std::uint8_t> in, std::span<std::int16_t> out);

}  // namespace patter::audio
