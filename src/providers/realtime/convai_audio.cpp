#include "providers/realtime/convai_audio.hpp"

#include <algorithm>
#include <utility>

namespace patter::providers {

namespace {

constexpr std::chrono::milliseconds kCarrierFrame{20};

}  // namespace

ConvAiAudioIn::ConvAiAudioIn(AudioFormat carrier, AudioFormat service,
                             std::chrono::milliseconds chunk)
    : chunk_bytes_(std::max<std::size_t>(service.bytes_in(chunk), service.bytes_per_sample())),
      sample_bytes_(service.bytes_per_sample()) {
  if (!(carrier == service)) converter_.emplace(carrier, service);
}

std::vector<std::vector<std::uint8_t>> ConvAiAudioIn::push(
    std::span<const std::uint8_t> carrier_audio) {
  const auto converted = converter_ ? converter_->convert(carrier_audio) : carrier_audio;
  pending_.insert(pending_.end(), converted.begin(), converted.end());
  std::vector<std::vector<std::uint8_t>> chunks;
  std::size_t taken = 0;
  while (pending_.size() - taken >= chunk_bytes_) {
    const auto begin = pending_.begin() + static_cast<std::ptrdiff_t>(taken);
    chunks.emplace_back(begin, begin + static_cast<std::ptrdiff_t>(chunk_bytes_));
    taken += chunk_bytes_;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(taken));
  return chunks;
}

std::vector<std::uint8_t> ConvAiAudioIn::take_partial() {
  const auto whole = pending_.size() - pending_.size() % sample_bytes_;
  std::vector<std::uint8_t> partial(pending_.begin(),
                                    pending_.begin() + static_cast<std::ptrdiff_t>(whole));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(whole));
  return partial;
}

ConvAiAudioOut::ConvAiAudioOut(AudioFormat service, AudioFormat carrier, Sink sink)
    : sink_(std::move(sink)) {
  if (service == carrier) return;
  converter_.emplace(service, carrier);
  frames_.emplace(carrier, kCarrierFrame,
                  [this](const audio::FrameView& frame) { sink_(frame.bytes); });
}

void ConvAiAudioOut::push(std::span<const std::uint8_t> service_audio) {
  if (!converter_) {
    if (!service_audio.empty()) sink_(service_audio);
    return;
  }
  frames_->push(converter_->convert(service_audio));
}

void ConvAiAudioOut::finish() {
  if (!converter_) return;
  frames_->push(converter_->flush());
  frames_->flush(audio::FrameChunker::Tail::pad_with_silence);
}

void ConvAiAudioOut::reset() {
  if (!converter_) return;
  converter_->reset();
  frames_->reset();
}

}  // namespace patter::providers
