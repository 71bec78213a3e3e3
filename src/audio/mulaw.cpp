#include "audio/mulaw.hpp"

#include "audio/span_checks.hpp"

namespace patter::audio {

void mulaw_encode(std::span<const std::int16_t> in, std::span<std::uint8_t> out) {
  require_room(in.size(), out.size(), "mulaw_encode");
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = mulaw_encode(in[i]);
}

void mulaw_decode(std::span<const std::uint8_t> in, std::span<std::int16_t> out) {
  require_room(in.size(), out.size(), "mulaw_decode");
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = kMulawDecodeTable[in[i]];
}

}  // namespace patter::audio
