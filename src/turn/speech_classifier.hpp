#pragma once

#include <span>

namespace patter::turn {

// Scores fixed-size windows of one audio stream with a speech probability in [0, 1].
// Implementations may keep state across windows (Silero's LSTM); reset() forgets it.
class SpeechClassifier {
 public:
  virtual ~SpeechClassifier() = default;

  [[nodiscard]] virtual int sample_rate() const = 0;
  [[nodiscard]] virtual int window_samples() const = 0;
  // `window` holds exactly window_samples() samples scaled to [-1, 1].
  virtual float speech_probability(std::span<const float> window) = 0;
  virtual void reset() = 0;
};

}  // namespace patter::turn
