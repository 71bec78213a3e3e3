#include "audio/pcm16.hpp"

#include <stdexcept>

#include "audio/span_checks.hpp"

namespace patter::audio {

namespace {

std::int16_t assemble(std::uint8_t first, std::uint8_t second, ByteOrder order) {
  const auto high = order == ByteOrder::little ? second : first;
  const auto low = order == ByteOrder::little ? first : second;
  return static_cast<std::int16_t>(static_cast<std::uint16_t>((high << 8) | low));
}

}  // namespace

void pcm16_to_samples(std::span<const std::uint8_t> bytes, std::span<std::int16_t> out,
                      ByteOrder order) {
  if (bytes.size() % 2 != 0) {
    throw std::invalid_argument("pcm16_to_samples: odd byte count " + std::to_string(bytes.size()));
  }
  const std::size_t count = bytes.size() / 2;
  require_room(count, out.size(), "pcm16_to_samples");
  for (std::size_t i = 0; i < count; ++i) out[i] = assemble(bytes[2 * i], bytes[2 * i + 1], order);
}

void samples_to_pcm16(std::span<const std::int16_t> samples, std::span<std::uint8_t> out,
                      ByteOrder order) {
  require_room(samples.size() * 2, out.size(), "samples_to_pcm16");
  const bool little = order == ByteOrder::little;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto value = static_cast<std::uint16_t>(samples[i]);
    const auto low = static_cast<std::uint8_t>(value & 0xFF);
    const auto high = static_cast<std::uint8_t>(value >> 8);
    out[2 * i] = little ? low : high;
    out[2 * i + 1] = little ? high : low;
  }
}

std::span<const std::int16_t> Pcm16StreamDecoder::decode(std::span<const std::uint8_t> bytes) {
  samples_.clear();
  if (bytes.empty()) return {};
  if (carried_) {
    samples_.push_back(assemble(*carried_, bytes.front(), order_));
    carried_.reset();
    bytes = bytes.subspan(1);
  }
  const std::size_t whole = bytes.size() / 2;
  const std::size_t start = samples_.size();
  samples_.resize(start + whole);
  pcm16_to_samples(bytes.first(whole * 2), std::span(samples_).subspan(start), order_);
  if (bytes.size() % 2 != 0) carried_ = bytes.back();
  return samples_;
}

}  // namespace patter::audio
