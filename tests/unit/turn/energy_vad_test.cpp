#include "turn/energy_vad.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "turn/vad_detector.hpp"

namespace patter::turn {
namespace {

std::vector<float> tone(int samples, int sample_rate, double amplitude) {
  std::vector<float> out(static_cast<std::size_t>(samples));
  for (int i = 0; i < samples; ++i) {
    out[static_cast<std::size_t>(i)] =
        static_cast<float>(amplitude * std::sin(2.0 * M_PI * 440.0 * i / sample_rate));
  }
  return out;
}

TEST(EnergyVadTest, WindowsAre32Milliseconds) {
  EXPECT_EQ(EnergyVad().window_samples(), 512);
  EnergyVadOptions narrowband;
  narrowband.sample_rate = 8000;
  EXPECT_EQ(EnergyVad(narrowband).window_samples(), 256);
}

TEST(EnergyVadTest, LoudToneScoresHighAndSilenceOrHissLow) {
  EnergyVad vad;
  EXPECT_GT(vad.speech_probability(tone(512, 16000, 0.3)), 0.99F);    // about -13 dBFS
  EXPECT_LT(vad.speech_probability(std::vector<float>(512)), 0.01F);  // digital silence
  EXPECT_LT(vad.speech_probability(tone(512, 16000, 0.001)), 0.01F);  // about -63 dBFS
  EXPECT_NEAR(vad.speech_probability(tone(512, 16000, std::sqrt(2.0) * 0.01)), 0.5F, 0.01F);
}

TEST(EnergyVadTest, DetectorFindsAToneBetweenSilences) {
  VadDetector detector(std::make_unique<EnergyVad>());
  std::vector<std::int16_t> audio(16000 / 2, 0);        // 0.5 s silence
  for (const float sample : tone(16000, 16000, 0.3)) {  // 1 s tone
    audio.push_back(static_cast<std::int16_t>(sample * 32767.0F));
  }
  audio.resize(audio.size() + 16000, 0);  // 1 s silence
  std::vector<VadEvent> events;
  for (std::size_t offset = 0; offset < audio.size(); offset += 160) {
    for (const auto& event : detector.push(std::span(audio).subspan(offset, 160))) {
      events.push_back(event);
    }
  }
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].type, VadEventType::speech_start);
  EXPECT_NEAR(events[0].timestamp_ms, 500.0, 40.0);
  EXPECT_EQ(events[1].type, VadEventType::speech_end);
  EXPECT_NEAR(events[1].timestamp_ms, 1500.0, 40.0);
  EXPECT_NEAR(events[1].speech_duration_ms, 1000.0, 70.0);
}

}  // namespace
}  // namespace patter::turn
