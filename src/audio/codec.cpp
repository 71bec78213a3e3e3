#include "audio/codec.hpp"

#include "audio/alaw.hpp"
#include "audio/mulaw.hpp"
#include "audio/pcm16.hpp"

namespace patter {

std::string_view to_string(Encoding encoding) {
  switch (encoding) {
    case Encoding::pcm16_le:
      return "pcm16_le";
    case Encoding::pcm16_be:
      return "pcm16_be";
    case Encoding::mulaw:
      return "mulaw";
    case Encoding::alaw:
      return "alaw";
  }
  return "unknown";
}

}  // namespace patter

namespace patter::audio {

std::size_t decode_samples(Encoding encoding, std::span<const std::uint8_t> bytes,
                           std::span<std::int16_t> out) {
  switch (encoding) {
    case Encoding::mulaw:
      mulaw_decode(bytes, out);
      return bytes.size();
    case Encoding::alaw:
      alaw_decode(bytes, out);
      return bytes.size();
    case Encoding::pcm16_le:
      pcm16_to_samples(bytes, out, ByteOrder::little);
      break;
    case Encoding::pcm16_be:
      pcm16_to_samples(bytes, out, ByteOrder::big);
      break;
  }
  return bytes.size() / 2;
}

std::size_t encode_samples(Encoding encoding, std::span<const std::int16_t> samples,
                           std::span<std::uint8_t> out) {
  switch (encoding) {
    case Encoding::mulaw:
      mulaw_encode(samples, out);
      return samples.size();
    case Encoding::alaw:
      alaw_encode(samples, out);
      return samples.size();
    case Encoding::pcm16_le:
      samples_to_pcm16(samples, out, ByteOrder::little);
      break;
    case Encoding::pcm16_be:
      samples_to_pcm16(samples, out, ByteOrder::big);
      break;
  }
  return samples.size() * 2;
}

}  // namespace patter::audio
