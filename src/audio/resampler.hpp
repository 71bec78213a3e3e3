#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/clock.hpp"

struct soxr;

namespace patter::audio {

// Streaming mono int16 resampler (libsoxr) for rates from 8 to 48 kHz. Output depends only on
// the input samples, never on how they were split into calls. Equal rates pass through.
class Resampler {
 public:
  static constexpr int kMinRate = 8000;
  static constexpr int kMaxRate = 48000;

  // Throws std::invalid_argument for rates out of range, std::runtime_error if soxr fails.
  Resampler(int input_rate, int output_rate);
  ~Resampler();
  Resampler(Resampler&&) noexcept;
  Resampler& operator=(Resampler&&) noexcept;

  // Returns the output available so far; the span stays valid until the next call.
  std::span<const std::int16_t> process(std::span<const std::int16_t> input);
  // Ends the stream: returns the remaining output and readies the resampler for a new stream.
  std::span<const std::int16_t> flush();
  // Drops buffered input and output without emitting them.
  void reset();

  [[nodiscard]] int input_rate() const { return input_rate_; }
  [[nodiscard]] int output_rate() const { return output_rate_; }
  // Audio taken in but not yet returned (filter delay plus soxr's block buffering).
  [[nodiscard]] core::Duration buffered() const;

 private:
  struct SoxrDeleter {
    void operator()(soxr* resampler) const;
  };

  std::span<const std::int16_t> run(const std::int16_t* input, std::size_t count);

  int input_rate_;
  int output_rate_;
  std::unique_ptr<soxr, SoxrDeleter> soxr_;
  std::vector<std::int16_t> output_;
};

}  // namespace patter::audio
