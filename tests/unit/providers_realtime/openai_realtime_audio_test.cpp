// The engine's audio boundary: carrier bytes pass through untouched when the session takes them;
// otherwise μ-law 8 kHz ↔ PCM16 24 kHz, with the agent's audio in exact 20 ms carrier frames
// whatever the delta sizes, its duration and its tone kept.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "audio/mulaw.hpp"
#include "providers/realtime/openai_realtime_audio.hpp"
#include "providers/realtime/openai_realtime_config.hpp"

namespace patter::providers {
namespace {

std::vector<std::uint8_t> pcm24k_tone(double hz, std::size_t samples) {
  std::vector<std::uint8_t> bytes;
  for (std::size_t n = 0; n < samples; ++n) {
    const auto value = static_cast<std::int16_t>(
        std::lround(8000.0 * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(n) / 24000.0)));
    const auto raw = static_cast<std::uint16_t>(value);
    bytes.push_back(static_cast<std::uint8_t>(raw & 0xFFU));
    bytes.push_back(static_cast<std::uint8_t>(raw >> 8U));
  }
  return bytes;
}

// Sign changes per second of a μ-law 8 kHz signal, halved: its frequency.
double mulaw_frequency(const std::vector<std::uint8_t>& mulaw) {
  std::size_t crossings = 0;
  for (std::size_t i = 1; i < mulaw.size(); ++i) {
    const auto a = audio::mulaw_decode(mulaw[i - 1]);
    const auto b = audio::mulaw_decode(mulaw[i]);
    if ((a < 0) != (b < 0)) ++crossings;
  }
  return static_cast<double>(crossings) / 2.0 / (static_cast<double>(mulaw.size()) / 8000.0);
}

TEST(RealtimeAudioBridge, PassesEqualFormatsThroughUntouched) {
  std::vector<std::vector<std::uint8_t>> out;
  RealtimeAudioBridge bridge(kTelephonyMulaw, kTelephonyMulaw,
                             [&](std::span<const std::uint8_t> a) { out.emplace_back(a.begin(), a.end()); });
  EXPECT_TRUE(bridge.passes_through());
  const std::vector<std::uint8_t> caller{1, 2, 3, 250, 255};
  const auto wire = bridge.caller_to_wire(caller);
  EXPECT_EQ(std::vector<std::uint8_t>(wire.begin(), wire.end()), caller);
  const std::vector<std::uint8_t> agent(37, 0x55);  // any size: no reframing
  bridge.agent_from_wire(agent);
  bridge.end_agent_audio();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0], agent);
}

TEST(RealtimeAudioBridge, TranscodesAgentAudioIntoExactCarrierFrames) {
  std::vector<std::uint8_t> carrier;
  std::vector<std::size_t> frames;
  RealtimeAudioBridge bridge(kTelephonyMulaw, kRealtimePcm, [&](std::span<const std::uint8_t> a) {
    frames.push_back(a.size());
    carrier.insert(carrier.end(), a.begin(), a.end());
  });
  // 1 s of 440 Hz at 24 kHz, in deltas of odd sizes (one splits a sample).
  const auto tone = pcm24k_tone(440.0, 24000);
  std::size_t at = 0;
  for (const std::size_t size : {1001U, 4799U, 7U, 20000U, 9999U}) {
    bridge.agent_from_wire({tone.data() + at, size});
    at += size;
  }
  bridge.agent_from_wire({tone.data() + at, tone.size() - at});
  bridge.end_agent_audio();
  ASSERT_FALSE(frames.empty());
  for (const auto size : frames) EXPECT_EQ(size, 160U);
  EXPECT_NEAR(static_cast<double>(carrier.size()), 8000.0, 160.0);  // 1 s within a frame
  EXPECT_NEAR(mulaw_frequency(carrier), 440.0, 10.0);
}

TEST(RealtimeAudioBridge, DroppingForgetsTheCarriedRemainder) {
  std::size_t delivered = 0;
  RealtimeAudioBridge bridge(kTelephonyMulaw, kRealtimePcm,
                             [&](std::span<const std::uint8_t> a) { delivered += a.size(); });
  bridge.agent_from_wire(pcm24k_tone(440.0, 24000 / 10));  // 100 ms: five frames, or nearly
  const auto before = delivered;
  bridge.drop_agent_audio();
  bridge.end_agent_audio();
  EXPECT_EQ(delivered, before);
  EXPECT_EQ(delivered % 160, 0U);
}

TEST(RealtimeAudioBridge, UpsamplesCallerAudioToTheSessionRate) {
  RealtimeAudioBridge bridge(kTelephonyMulaw, kRealtimePcm, [](std::span<const std::uint8_t>) {});
  std::size_t wire_bytes = 0;
  const std::vector<std::uint8_t> frame(160, 0xFF);
  for (int i = 0; i < 50; ++i) wire_bytes += bridge.caller_to_wire(frame).size();  // 1 s
  // 1 s at 24 kHz PCM16 is 48000 bytes; the resampler holds back a few ms.
  EXPECT_LE(wire_bytes, 48000U);
  EXPECT_GE(wire_bytes, 48000U - 24U * 2U * 20U);
  EXPECT_EQ(wire_bytes % 2, 0U);
}

}  // namespace
}  // namespace patter::providers
