#include "providers/realtime/openai_realtime_audio.hpp"

#include <chrono>
#include <utility>

namespace patter::providers {

namespace {
constexpr std::chrono::milliseconds kCarrierFrame{20};
}  // namespace

RealtimeAudioBridge::RealtimeAudioBridge(AudioFormat carrier, AudioFormat wire, Sink agent_audio)
    : carrier_(carrier),
      wire_(wire),
      sink_(std::move(agent_audio)),
      inbound_(carrier, wire),
      outbound_(wire, carrier),
      frames_(carrier, kCarrierFrame,
              [this](const audio::FrameView& frame) { sink_(frame.bytes); }) {}

std::span<const std::uint8_t> RealtimeAudioBridge::caller_to_wire(
    std::span<const std::uint8_t> carrier_audio) {
  return inbound_.convert(carrier_audio);
}

void RealtimeAudioBridge::agent_from_wire(std::span<const std::uint8_t> wire_audio) {
  if (passes_through()) {
    if (!wire_audio.empty()) sink_(wire_audio);
    return;
  }
  frames_.push(outbound_.convert(wire_audio));
}

void RealtimeAudioBridge::end_agent_audio() {
  if (passes_through()) return;
  frames_.push(outbound_.flush());
  frames_.flush(audio::FrameChunker::Tail::pad_with_silence);
}

void RealtimeAudioBridge::drop_agent_audio() {
  if (passes_through()) return;
  outbound_.reset();
  frames_.reset();
}

}  // namespace patter::providers
