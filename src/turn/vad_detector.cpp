#include "turn/vad_detector.hpp"

#include <algorithm>
#include <stdexcept>

namespace patter::turn {

float VadOptions::effective_deactivation_threshold() const {
  return deactivation_threshold.value_or(std::max(activation_threshold - 0.15F, 0.01F));
}

VadDetector::VadDetector(std::unique_ptr<SpeechClassifier> classifier, VadOptions options)
    : classifier_(std::move(classifier)), options_(options) {
  if (!classifier_) throw std::invalid_argument("VadDetector needs a classifier");
  deactivation_threshold_ = options_.effective_deactivation_threshold();
  if (options_.smoothing < 0.0F || options_.smoothing >= 1.0F) {
    throw std::invalid_argument("VAD smoothing must be in [0, 1)");
  }
  if (deactivation_threshold_ > options_.activation_threshold) {
    throw std::invalid_argument("VAD deactivation threshold must not exceed activation threshold");
  }
  if (options_.min_speech_ms < 0 || options_.min_silence_ms < 0) {
    throw std::invalid_argument("VAD minimum durations must not be negative");
  }
  window_samples_ = classifier_->window_samples();
  const std::int64_t rate = classifier_->sample_rate();
  min_speech_samples_ = options_.min_speech_ms * rate / 1000;
  min_silence_samples_ = options_.min_silence_ms * rate / 1000;
  window_.reserve(static_cast<std::size_t>(window_samples_));
}

std::vector<VadEvent> VadDetector::push(std::span<const std::int16_t> samples) {
  std::vector<VadEvent> events;
  while (!samples.empty()) {
    const auto wanted = static_cast<std::size_t>(window_samples_) - window_.size();
    const std::size_t taken = std::min(wanted, samples.size());
    for (const std::int16_t sample : samples.first(taken)) {
      window_.push_back(static_cast<float>(sample) / 32768.0F);
    }
    samples = samples.subspan(taken);
    if (window_.size() == static_cast<std::size_t>(window_samples_)) {
      const float probability = classifier_->speech_probability(window_);
      window_.clear();
      if (auto event = on_window(probability)) events.push_back(*event);
    }
  }
  return events;
}

std::optional<VadEvent> VadDetector::on_window(float probability) {
  const float a = options_.smoothing;
  smoothed_ = has_smoothed_ ? a * smoothed_ + (1.0F - a) * probability : probability;
  has_smoothed_ = true;
  ++windows_done_;
  const std::int64_t now = windows_done_ * window_samples_;

  if (!speaking_) {
    if (smoothed_ < options_.activation_threshold) {
      speech_run_samples_ = 0;
      return std::nullopt;
    }
    speech_run_samples_ += window_samples_;
    if (speech_run_samples_ < min_speech_samples_) return std::nullopt;
    speaking_ = true;
    silence_run_samples_ = 0;
    speech_start_sample_ = now - speech_run_samples_;
    return VadEvent{VadEventType::speech_start, samples_to_ms(speech_start_sample_),
                    samples_to_ms(speech_run_samples_), smoothed_};
  }

  if (smoothed_ >= deactivation_threshold_) {
    silence_run_samples_ = 0;
    return std::nullopt;
  }
  silence_run_samples_ += window_samples_;
  if (silence_run_samples_ < min_silence_samples_) return std::nullopt;
  speaking_ = false;
  speech_run_samples_ = 0;
  const std::int64_t speech_end = now - silence_run_samples_;
  return VadEvent{VadEventType::speech_end, samples_to_ms(speech_end),
                  samples_to_ms(speech_end - speech_start_sample_), smoothed_};
}

std::optional<VadEvent> VadDetector::end_at_silence() {
  if (!speaking_ || silence_run_samples_ == 0) return std::nullopt;
  const std::int64_t speech_end = windows_done_ * window_samples_ - silence_run_samples_;
  speaking_ = false;
  speech_run_samples_ = 0;
  silence_run_samples_ = 0;
  return VadEvent{VadEventType::speech_end, samples_to_ms(speech_end),
                  samples_to_ms(speech_end - speech_start_sample_), smoothed_};
}

void VadDetector::reset() {
  classifier_->reset();
  window_.clear();
  windows_done_ = 0;
  has_smoothed_ = false;
  smoothed_ = 0.0F;
  speaking_ = false;
  speech_run_samples_ = 0;
  silence_run_samples_ = 0;
  speech_start_sample_ = 0;
}

double VadDetector::samples_to_ms(std::int64_t samples) const {
  return static_cast<double>(samples) * 1000.0 / classifier_->sample_rate();
}

}  // namespace patter::turn
