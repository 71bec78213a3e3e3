#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "turn/speech_classifier.hpp"

namespace patter::turn {

struct VadOptions {
  float activation_threshold = 0.5F;
  // Below this (smoothed) probability a window counts as silence while speaking. Unset means
  // max(activation_threshold - 0.15, 0.01).
  std::optional<float> deactivation_threshold;
  int min_speech_ms = 50;
  int min_silence_ms = 550;
  // Weight of the previous smoothed probability: smoothed = a * previous + (1 - a) * current.
  // The first window after construction or reset() is taken as is.
  float smoothing = 0.35F;

  [[nodiscard]] float effective_deactivation_threshold() const;
};

enum class VadEventType { speech_start, speech_end };

// Times are audio time: milliseconds of samples pushed since construction or the last reset().
struct VadEvent {
  VadEventType type = VadEventType::speech_start;
  double timestamp_ms = 0.0;  // start: where speech began; end: where the closing silence began
  double speech_duration_ms = 0.0;  // start: speech so far (>= min speech); end: the whole span
  float confidence = 0.0F;  // smoothed speech probability of the window that decided the event
};

// Turns a stream of PCM16 samples into speech_start / speech_end events: buffers the samples
// into the classifier's windows, smooths the probabilities, and applies activation /
// deactivation thresholds (hysteresis) with minimum speech and silence durations.
// Pure logic: time comes from sample counts only. One instance per audio stream; not thread-safe.
class VadDetector {
 public:
  VadDetector(std::unique_ptr<SpeechClassifier> classifier, VadOptions options = {});

  // Accepts any number of samples at the classifier's sample rate; returns the events decided by
  // the windows this chunk completed (usually none, so usually no allocation).
  std::vector<VadEvent> push(std::span<const std::int16_t> samples);
  // Forgets buffered samples, smoothing, speaking state and the classifier's state; audio time
  // starts again from zero.
  void reset();

  // While speaking with a silence already begun but shorter than the minimum: ends the speech
  // there (the speech_end event push() would have given once the silence was long enough) and
  // returns it. Otherwise nothing changes. For when listening stops before the silence is decided.
  std::optional<VadEvent> end_at_silence();
  [[nodiscard]] bool speaking() const { return speaking_; }
  [[nodiscard]] float smoothed_probability() const { return smoothed_; }
  [[nodiscard]] int sample_rate() const { return classifier_->sample_rate(); }
  [[nodiscard]] const VadOptions& options() const { return options_; }

 private:
  std::optional<VadEvent> on_window(float probability);
  [[nodiscard]] double samples_to_ms(std::int64_t samples) const;

  std::unique_ptr<SpeechClassifier> classifier_;
  VadOptions options_;
  float deactivation_threshold_;
  std::int64_t window_samples_;
  std::int64_t min_speech_samples_;
  std::int64_t min_silence_samples_;

  std::vector<float> window_;  // pending samples of the current window, scaled to [-1, 1]
  std::int64_t windows_done_ = 0;
  bool has_smoothed_ = false;
  float smoothed_ = 0.0F;
  bool speaking_ = false;
  std::int64_t speech_run_samples_ = 0;   // consecutive windows at or above activation
  std::int64_t silence_run_samples_ = 0;  // consecutive windows below deactivation while speaking
  std::int64_t speech_start_sample_ = 0;
};

}  // namespace patter::turn
