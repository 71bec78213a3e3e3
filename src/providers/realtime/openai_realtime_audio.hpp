#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include <patter/audio_format.hpp>

#include "audio/format_converter.hpp"
#include "audio/frame_chunker.hpp"

namespace patter::providers {

// Audio across the engine's boundary: the carrier's format on the call's side, the session's
// (`wire`) on OpenAI's. Equal formats pass straight through both ways. Otherwise both directions
// are converted once with streaming resamplers, and the agent's audio reaches the call in exact
// 20 ms carrier frames, the remainder carried from one delta to the next.
class RealtimeAudioBridge {
 public:
  using Sink = std::function<void(std::span<const std::uint8_t> carrier_audio)>;

  RealtimeAudioBridge(AudioFormat carrier, AudioFormat wire, Sink agent_audio);

  [[nodiscard]] bool passes_through() const { return carrier_ == wire_; }
  [[nodiscard]] const AudioFormat& carrier() const { return carrier_; }
  [[nodiscard]] const AudioFormat& wire() const { return wire_; }

  // Caller audio in the session's format; valid until the next call.
  std::span<const std::uint8_t> caller_to_wire(std::span<const std::uint8_t> carrier_audio);
  // Agent audio from one delta, to the sink.
  void agent_from_wire(std::span<const std::uint8_t> wire_audio);
  // The response's audio ended: what is carried goes out as a last frame, padded with silence.
  void end_agent_audio();
  // Drops the agent audio carried over (an interrupted response).
  void drop_agent_audio();

 private:
  AudioFormat carrier_;
  AudioFormat wire_;
  Sink sink_;
  audio::FormatConverter inbound_;
  audio::FormatConverter outbound_;
  audio::FrameChunker frames_;
};

}  // namespace patter::providers
