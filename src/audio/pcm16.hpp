#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace patter::audio {

enum class ByteOrder : std::uint8_t { little, big };

// Bytes <-> samples for 16-bit PCM. `bytes.size()` must be even and the output must have room
// (else std::invalid_argument / std::length_error).
void pcm16_to_samples(std::span<const std::uint8_t> bytes, std::span<std::int16_t> out,
                      ByteOrder order = ByteOrder::little);
void samples_to_pcm16(std::span<const std::int16_t> samples, std::span<std::uint8_t> out,
                      ByteOrder order = ByteOrder::little);

// Decodes PCM16 arriving in chunks of any length, carrying an odd trailing byte into the
// next chunk. The returned span stays valid until the next call.
class Pcm16StreamDecoder {
 public:
  explicit Pcm16StreamDecoder(ByteOrder order = ByteOrder::little) : order_(order) {}

  std::span<const std::int16_t> decode(std::span<const std::uint8_t> bytes);
  [[nodiscard]] bool has_odd_byte() const { return carried_.has_value(); }
  // Forgets a carried byte (at a stream boundary, or after an error).
  void reset() { carried_.reset(); }

 private:
  ByteOrder order_;
  std::optional<std::uint8_t> carried_;
  std::vector<std::int16_t> samples_;
};

}  // namespace patter::audio
