#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "audio/format_converter.hpp"
#include "audio/frame_chunker.hpp"

namespace patter::providers {

// Caller audio on its way to ConvAI: converted once to the agent's user_input_audio_format when
// that is not the carrier's, and gathered into user_audio_chunk-sized pieces.
class ConvAiAudioIn {
 public:
  // Throws std::invalid_argument for a rate the resampler cannot take.
  ConvAiAudioIn(AudioFormat carrier, AudioFormat service, std::chrono::milliseconds chunk);

  // Appends carrier audio; returns the whole chunks now ready, oldest first.
  std::vector<std::vector<std::uint8_t>> push(std::span<const std::uint8_t> carrier_audio);
  // The whole samples gathered so far, short of a chunk (sent when the flush timer fires).
  std::vector<std::uint8_t> take_partial();
  [[nodiscard]] bool has_partial() const { return pending_.size() >= sample_bytes_; }

 private:
  std::optional<audio::FormatConverter> converter_;
  std::size_t chunk_bytes_;
  std::size_t sample_bytes_;
  std::vector<std::uint8_t> pending_;
};

// Agent audio on its way to the carrier. When ConvAI already speaks the carrier's format the
// bytes pass through unchanged, as they came; otherwise they are converted once and cut into
// 20 ms carrier frames.
class ConvAiAudioOut {
 public:
  using Sink = std::function<void(std::span<const std::uint8_t>)>;

  // Throws std::invalid_argument for a rate the resampler cannot take.
  ConvAiAudioOut(AudioFormat service, AudioFormat carrier, Sink sink);
  ConvAiAudioOut(const ConvAiAudioOut&) = delete;  // its frame chunker calls back into it
  ConvAiAudioOut& operator=(const ConvAiAudioOut&) = delete;

  [[nodiscard]] bool passes_through() const { return !converter_; }
  void push(std::span<const std::uint8_t> service_audio);
  // The response ended: the resampler's tail, and a last frame padded with silence.
  void finish();
  // The response was interrupted: whatever is buffered is dropped.
  void reset();

 private:
  Sink sink_;
  std::optional<audio::FormatConverter> converter_;
  std::optional<audio::FrameChunker> frames_;
};

}  // namespace patter::providers
