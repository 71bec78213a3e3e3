#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace patter {

// How mono samples are laid out as bytes on the wire or in a file.
enum class Encoding : std::uint8_t { pcm16_le, pcm16_be, mulaw, alaw };

constexpr std::size_t bytes_per_sample(Encoding encoding) {
  return encoding == Encoding::mulaw || encoding == Encoding::alaw ? 1 : 2;
}

// The byte that decodes to digital silence; PCM16 silence is two of these.
constexpr std::uint8_t silence_byte(Encoding encoding) {
  switch (encoding) {
    case Encoding::mulaw:
      return 0xFF;
    case Encoding::alaw:
      return 0xD5;
    default:
      return 0x00;
  }
}

std::string_view to_string(Encoding encoding);

// A mono stream's encoding and sample rate. Durations convert to whole samples.
struct AudioFormat {
  Encoding encoding = Encoding::pcm16_le;
  int sample_rate = 16000;

  [[nodiscard]] constexpr std::size_t bytes_per_sample() const {
    return patter::bytes_per_sample(encoding);
  }
  // Whole samples in `duration`, rounded down; none for a negative duration.
  [[nodiscard]] constexpr std::size_t samples_in(std::chrono::nanoseconds duration) const {
    if (duration.count() <= 0) return 0;
    return static_cast<std::size_t>(duration.count() * sample_rate / 1'000'000'000);
  }
  [[nodiscard]] constexpr std::size_t bytes_in(std::chrono::nanoseconds duration) const {
    return samples_in(duration) * bytes_per_sample();
  }
  // Time taken to play `samples`, rounded up to the next nanosecond so that by then they
  // have all been played.
  [[nodiscard]] constexpr std::chrono::nanoseconds duration_of(std::size_t samples) const {
    const auto numerator = static_cast<std::int64_t>(samples) * 1'000'000'000;
    return std::chrono::nanoseconds{(numerator + sample_rate - 1) / sample_rate};
  }
  friend constexpr bool operator==(const AudioFormat&, const AudioFormat&) = default;
};

inline constexpr AudioFormat kTelephonyMulaw{Encoding::mulaw, 8000};
inline constexpr AudioFormat kTelephonyAlaw{Encoding::alaw, 8000};
inline constexpr AudioFormat kPcm16k{Encoding::pcm16_le, 16000};

}  // namespace patter
