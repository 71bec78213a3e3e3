#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>

namespace patter::providers {

// The audio of a stream that the recogniser has not yet covered with a final result, addressed
// by byte offsets since the stream began, and bounded: when full, the oldest bytes go first.
class AudioReplayBuffer {
 public:
  explicit AudioReplayBuffer(std::size_t capacity) : capacity_(capacity) {}

  // Returns how many of the oldest bytes were dropped to make room.
  std::size_t append(std::span<const std::uint8_t> bytes);
  // Forgets everything before `offset` (clamped to what is held).
  void acknowledge(std::uint64_t offset);

  // Up to `max_bytes` bytes starting at `offset` (clamped to what is held).
  [[nodiscard]] std::string slice(std::uint64_t offset, std::size_t max_bytes) const;

  [[nodiscard]] std::uint64_t begin_offset() const { return end_ - bytes_.size(); }
  [[nodiscard]] std::uint64_t end_offset() const { return end_; }
  [[nodiscard]] std::size_t size() const { return bytes_.size(); }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::deque<std::uint8_t> bytes_;
  std::uint64_t end_ = 0;  // offset just past the newest byte
};

}  // namespace patter::providers
