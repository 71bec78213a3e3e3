#include "audio/format_converter.hpp"

#include "audio/codec.hpp"

namespace patter::audio {

FormatConverter::FormatConverter(AudioFormat from, AudioFormat to) : from_(from), to_(to) {
  if (from_.encoding == Encoding::pcm16_le || from_.encoding == Encoding::pcm16_be) {
    pcm_decoder_.emplace(from_.encoding == Encoding::pcm16_le ? ByteOrder::little : ByteOrder::big);
  }
  if (from_.sample_rate != to_.sample_rate) resampler_.emplace(from_.sample_rate, to_.sample_rate);
}

std::span<const std::uint8_t> FormatConverter::convert(std::span<const std::uint8_t> bytes) {
  if (from_ == to_) return bytes;
  std::span<const std::int16_t> samples;
  if (pcm_decoder_) {
    samples = pcm_decoder_->decode(bytes);
  } else {
    decoded_.resize(bytes.size());
    decode_samples(from_.encoding, bytes, decoded_);
    samples = decoded_;
  }
  return convert_samples(samples);
}

std::span<const std::uint8_t> FormatConverter::convert_samples(std::span<const std::int16_t> samples) {
  if (resampler_) samples = resampler_->process(samples);
  return encode(samples);
}

std::span<const std::uint8_t> FormatConverter::flush() {
  if (pcm_decoder_) pcm_decoder_->reset();
  if (!resampler_) return {};
  return encode(resampler_->flush());
}

void FormatConverter::reset() {
  if (pcm_decoder_) pcm_decoder_->reset();
  if (resampler_) resampler_->reset();
}

std::span<const std::uint8_t> FormatConverter::encode(std::span<const std::int16_t> samples) {
  out_.resize(samples.size() * to_.bytes_per_sample());
  encode_samples(to_.encoding, samples, out_);
  return out_;
}

}  // namespace patter::audio
