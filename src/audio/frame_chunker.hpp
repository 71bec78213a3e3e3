#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "audio/frame.hpp"

namespace patter::audio {

// Cuts a byte stream arriving in chunks of any size (odd PCM16 byte counts included) into
// fixed-duration frames, carrying the remainder between pushes. Frames are handed to the
// sink as views that are valid only during the call; whole frames inside a pushed chunk are
// passed through without copying.
class FrameChunker {
 public:
  using Sink = std::function<void(const FrameView&)>;
  enum class Tail : std::uint8_t { as_is, pad_with_silence };

  // Throws std::invalid_argument if `frame_duration` holds no whole sample.
  FrameChunker(AudioFormat format, core::Duration frame_duration, Sink sink);

  void push(std::span<const std::uint8_t> bytes);
  // Emits the carried remainder as a last, shorter frame (or padded to full length with
  // silence); a dangling odd PCM16 byte is dropped. Returns whether a frame was emitted.
  bool flush(Tail tail = Tail::as_is);
  // Drops the carried remainder. Timestamps continue from the frames already emitted.
  void reset() { pending_.clear(); }

  [[nodiscard]] std::size_t frame_bytes() const { return frame_bytes_; }
  [[nodiscard]] std::size_t pending_bytes() const { return pending_.size(); }
  [[nodiscard]] const AudioFormat& format() const { return format_; }

 private:
  void emit(std::span<const std::uint8_t> bytes);

  AudioFormat format_;
  std::size_t frame_bytes_;
  Sink sink_;
  std::vector<std::uint8_t> pending_;
  std::size_t samples_emitted_ = 0;
};

}  // namespace patter::audio
