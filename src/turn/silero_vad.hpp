#pragma once

#include <array>
#include <memory>
#include <span>

#include "turn/silero_model.hpp"
#include "turn/speech_classifier.hpp"

namespace patter::turn {

// What one call carries between windows: the LSTM state and the tail of the previous window.
struct SileroState {
  std::array<float, silero_limits::kMaxHidden> h{};
  std::array<float, silero_limits::kMaxHidden> c{};
  std::array<float, silero_limits::kMaxContextSamples> context{};

  void reset() { *this = SileroState{}; }
};

// Silero VAD inference for one audio stream: the shared model plus this stream's state.
// Not thread-safe; each call owns its own instance.
class SileroVad final : public SpeechClassifier {
 public:
  SileroVad(std::shared_ptr<const SileroModel> model, SampleRate rate);

  // Speech probability of the next window of exactly window_samples() samples in [-1, 1],
  // given everything this instance has seen since construction or reset(). Throws
  // std::invalid_argument for a window of another size.
  float speech_probability(std::span<const float> window) override;
  void reset() override { state_.reset(); }

  [[nodiscard]] int window_samples() const override { return branch_->window_samples; }
  [[nodiscard]] int sample_rate() const override { return branch_->sample_rate; }

 private:
  std::shared_ptr<const SileroModel> model_;
  const SileroBranch* branch_;
  SileroState state_;
};

}  // namespace patter::turn
