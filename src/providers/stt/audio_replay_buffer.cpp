#include "providers/stt/audio_replay_buffer.hpp"

#include <algorithm>

namespace patter::providers {

std::size_t AudioReplayBuffer::append(std::span<const std::uint8_t> bytes) {
  end_ += bytes.size();
  if (bytes.size() >= capacity_) {
    const std::size_t dropped = bytes_.size() + bytes.size() - capacity_;
    bytes_.assign(bytes.end() - static_cast<std::ptrdiff_t>(capacity_), bytes.end());
    return dropped;
  }
  const std::size_t total = bytes_.size() + bytes.size();
  const std::size_t dropped = total > capacity_ ? total - capacity_ : 0;
  bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(dropped));
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return dropped;
}

void AudioReplayBuffer::acknowledge(std::uint64_t offset) {
  const auto first = begin_offset();
  if (offset <= first) return;
  const auto count = static_cast<std::size_t>(std::min(offset, end_) - first);
  bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(count));
}

std::string AudioReplayBuffer::slice(std::uint64_t offset, std::size_t max_bytes) const {
  const auto first = begin_offset();
  const auto from = static_cast<std::size_t>(std::clamp(offset, first, end_) - first);
  const auto length = std::min(max_bytes, bytes_.size() - from);
  const auto begin = bytes_.begin() + static_cast<std::ptrdiff_t>(from);
  return {begin, begin + static_cast<std::ptrdiff_t>(length)};
}

}  // namespace patter::providers
