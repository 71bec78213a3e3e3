#pragma once

#include <array>
#include <cstdint>
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
  // With `skip_digital_silence`, a stretch of digital silence (windows of exact zeros, what a
  // muted or idle line sends) stops costing inference once it has lasted kSilentWindowsToSkip
  // windows with a speech probability at most kSkipBelowProbability: later zero windows repeat
  // that probability, and the first window with sound starts from the initial state, as at the
  // start of a stream. Callers listen to long silences while the agent talks; this makes them
  // nearly free. Line noise is never skipped.
  SileroVad(std::shared_ptr<const SileroModel> model, SampleRate rate,
            bool skip_digital_silence = true);

  static constexpr int kSilentWindowsToSkip = 8;
  static constexpr float kSkipBelowProbability = 0.05F;

  // Speech probability of the next window of exactly window_samples() samples in [-1, 1],
  // given everything this instance has seen since construction or reset(). Throws
  // std::invalid_argument for a window of another size.
  float speech_probability(std::span<const float> window) override;
  void reset() override {
    state_.reset();
    silent_windows_ = 0;
    skipping_ = false;
  }

  [[nodiscard]] int window_samples() const override { return branch_->window_samples; }
  [[nodiscard]] int sample_rate() const override { return branch_->sample_rate; }
  // Windows answered without inference since construction.
  [[nodiscard]] std::uint64_t windows_skipped() const { return windows_skipped_; }

 private:
  [[nodiscard]] bool digital_silence(std::span<const float> window) const;
  float infer(std::span<const float> window);

  std::shared_ptr<const SileroModel> model_;
  const SileroBranch* branch_;
  SileroState state_;
  bool skip_digital_silence_;
  int silent_windows_ = 0;  // consecutive windows of zeros inferred
  bool skipping_ = false;
  float last_probability_ = 0.0F;
  std::uint64_t windows_skipped_ = 0;
};

}  // namespace patter::turn
