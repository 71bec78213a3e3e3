#include "audio/frame_chunker.hpp"

#include <algorithm>
#include <stdexcept>

namespace patter::audio {

FrameChunker::FrameChunker(AudioFormat format, core::Duration frame_duration, Sink sink)
    : format_(format), frame_bytes_(format.bytes_in(frame_duration)), sink_(std::move(sink)) {
  if (frame_bytes_ == 0) {
    throw std::invalid_argument("FrameChunker: frame duration holds no whole sample");
  }
  pending_.reserve(frame_bytes_);
}

void FrameChunker::push(std::span<const std::uint8_t> bytes) {
  if (!pending_.empty()) {
    const std::size_t take = std::min(frame_bytes_ - pending_.size(), bytes.size());
    pending_.insert(pending_.end(), bytes.begin(),
                    bytes.begin() + static_cast<std::ptrdiff_t>(take));
    bytes = bytes.subspan(take);
    if (pending_.size() < frame_bytes_) return;
    emit(pending_);
    pending_.clear();
  }
  while (bytes.size() >= frame_bytes_) {
    emit(bytes.first(frame_bytes_));
    bytes = bytes.subspan(frame_bytes_);
  }
  pending_.assign(bytes.begin(), bytes.end());
}

bool FrameChunker::flush(Tail tail) {
  pending_.resize(pending_.size() - pending_.size() % format_.bytes_per_sample());
  if (pending_.empty()) return false;
  if (tail == Tail::pad_with_silence) pending_.resize(frame_bytes_, silence_byte(format_.encoding));
  emit(pending_);
  pending_.clear();
  return true;
}

void FrameChunker::emit(std::span<const std::uint8_t> bytes) {
  const FrameView frame{format_, bytes, format_.duration_of(samples_emitted_)};
  samples_emitted_ += frame.sample_count();
  sink_(frame);
}

}  // namespace patter::audio
