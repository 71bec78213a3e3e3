#pragma once

#include "turn/speech_classifier.hpp"

namespace patter::turn {

struct EnergyVadOptions {
  int sample_rate = 16000;
  // Windows of the same duration as Silero's (32 ms), so detector timing is the same.
  int window_ms = 32;
  // Loudness (dBFS of the window's RMS) scored 0.5, and the dB over which the score goes from
  // about 0.27 to 0.73; telephone speech sits around -30 to -15 dBFS, line noise below -50.
  float threshold_dbfs = -40.0F;
  float softness_db = 4.0F;
};

// Fallback classifier for when the Silero model is unavailable: scores loudness only, so any
// loud sound counts as speech. Stateless across windows.
class EnergyVad final : public SpeechClassifier {
 public:
  explicit EnergyVad(EnergyVadOptions options = {});

  [[nodiscard]] int sample_rate() const override { return options_.sample_rate; }
  [[nodiscard]] int window_samples() const override { return window_samples_; }
  float speech_probability(std::span<const float> window) override;
  void reset() override {}

 private:
  EnergyVadOptions options_;
  int window_samples_;
};

}  // namespace patter::turn
