#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "audio/audio_format.hpp"
#include "core/clock.hpp"

namespace patter::audio {

// A run of encoded mono samples, not owning its bytes. `timestamp` is the stream position of
// the first sample, measured from the start of the stream.
struct FrameView {
  AudioFormat format;
  std::span<const std::uint8_t> bytes;
  core::Duration timestamp{};

  [[nodiscard]] std::size_t sample_count() const {
    return bytes.size() / format.bytes_per_sample();
  }
  [[nodiscard]] core::Duration duration() const { return format.duration_of(sample_count()); }
};

// An owning frame, for audio that must outlive the buffer it was cut from.
struct Frame {
  AudioFormat format;
  std::vector<std::uint8_t> bytes;
  core::Duration timestamp{};

  static Frame copy_of(const FrameView& view) {
    return Frame{view.format, {view.bytes.begin(), view.bytes.end()}, view.timestamp};
  }
  [[nodiscard]] FrameView view() const { return FrameView{format, bytes, timestamp}; }
  [[nodiscard]] std::size_t sample_count() const { return view().sample_count(); }
  [[nodiscard]] core::Duration duration() const { return view().duration(); }
};

}  // namespace patter::audio
