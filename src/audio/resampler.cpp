#include "audio/resampler.hpp"

#include <soxr.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace patter::audio {

namespace {

void check_rate(int rate, const char* which) {
  if (rate < Resampler::kMinRate || rate > Resampler::kMaxRate) {
    throw std::invalid_argument(std::string("Resampler: ") + which + " rate " +
                                std::to_string(rate) + " Hz is outside 8000..48000 Hz");
  }
}

soxr_t create_soxr(int input_rate, int output_rate) {
  soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
  io.flags |= SOXR_NO_DITHER;  // dither is random: it would break repeatable output
  // Linear phase keeps one constant delay for every frequency. 16-bit precision, a passband to
  // 85% of the lower Nyquist (3.4 kHz at 8 kHz: the telephone band) and a stopband from 106%
  // keep the filter short; with 256-point DFT blocks this holds latency near 6-11 ms, where
  // soxr's high-quality defaults buffer 60-120 ms.
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_16_BITQ, SOXR_LINEAR_PHASE);
  quality.passband_end = 0.85;
  quality.stopband_begin = 1.06;
  soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  runtime.log2_min_dft_size = 8;
  runtime.log2_large_dft_size = 8;
  soxr_error_t error = nullptr;
  soxr_t resampler = soxr_create(input_rate, output_rate, 1, &error, &io, &quality, &runtime);
  if (error != nullptr) {
    throw std::runtime_error(std::string("Resampler: soxr_create failed: ") + error);
  }
  return resampler;
}

}  // namespace

void Resampler::SoxrDeleter::operator()(soxr* resampler) const {
  soxr_delete(resampler);
}

Resampler::Resampler(int input_rate, int output_rate)
    : input_rate_(input_rate), output_rate_(output_rate) {
  check_rate(input_rate, "input");
  check_rate(output_rate, "output");
  if (input_rate != output_rate) soxr_.reset(create_soxr(input_rate, output_rate));
}

Resampler::~Resampler() = default;
Resampler::Resampler(Resampler&&) noexcept = default;
Resampler& Resampler::operator=(Resampler&&) noexcept = default;

std::span<const std::int16_t> Resampler::process(std::span<const std::int16_t> input) {
  if (!soxr_) return input;
  // soxr reads a null input as end of stream, so an empty chunk must not reach it.
  if (input.empty()) return {};
  return run(input.data(), input.size());
}

std::span<const std::int16_t> Resampler::flush() {
  if (!soxr_) return {};
  auto tail = run(nullptr, 0);
  soxr_clear(soxr_.get());
  return tail;
}

void Resampler::reset() {
  if (soxr_) soxr_clear(soxr_.get());
}

core::Duration Resampler::buffered() const {
  if (!soxr_) return core::Duration::zero();
  const double seconds = soxr_delay(soxr_.get()) / output_rate_;
  return std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(seconds));
}

std::span<const std::int16_t> Resampler::run(const std::int16_t* input, std::size_t count) {
  const std::size_t expected =
      count * static_cast<std::size_t>(output_rate_) / static_cast<std::size_t>(input_rate_);
  if (output_.size() < expected + 256) output_.resize(expected + 256);
  std::size_t produced = 0;
  for (;;) {
    std::size_t consumed = 0;
    std::size_t written = 0;
    const soxr_error_t error =
        soxr_process(soxr_.get(), input, count, &consumed, output_.data() + produced,
                     output_.size() - produced, &written);
    if (error != nullptr) {
      throw std::runtime_error(std::string("Resampler: soxr_process failed: ") + error);
    }
    produced += written;
    if (input != nullptr) {
      input += consumed;
      count -= consumed;
    }
    // A partly filled output buffer means soxr has nothing more to give for now.
    if (count == 0 && produced < output_.size()) break;
    output_.resize(output_.size() * 2);
  }
  return std::span(output_).first(produced);
}

}  // namespace patter::audio
