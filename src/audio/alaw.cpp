#include "audio/alaw.hpp"

#include "audio/span_checks.hpp"

namespace patter::audio {

void alaw_encode(std::span<const std::int16_t> in, std::span<std::uint8_t> out) {
  require_room(in.size(), out.size(), "alaw_encode");
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = alaw_encode(in[i]);
}

void alaw_decode(std::span<const std::uint8_t> in, std::span<std::int16_t> out) {
  require_room(in.size(), out.size(), "alaw_decode");
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = kAlawDecodeTable[in[i]];
}

}  // namespace patter::audio
