#include "providers/stt/openai_utterance_gate.hpp"

#include <algorithm>
#include <memory>

#include "turn/energy_vad.hpp"

namespace patter::providers {

namespace {

constexpr int kWindowMs = 32;

turn::VadDetector make_detector(const UtteranceGateConfig& config, int sample_rate) {
  turn::EnergyVadOptions energy;
  energy.sample_rate = sample_rate;
  energy.window_ms = kWindowMs;
  energy.threshold_dbfs = config.threshold_dbfs;
  turn::VadOptions options;
  options.min_speech_ms = config.min_speech_ms;
  options.min_silence_ms = config.min_silence_ms;
  return turn::VadDetector(std::make_unique<turn::EnergyVad>(energy), options);
}

}  // namespace

UtteranceGate::UtteranceGate(const UtteranceGateConfig& config, int sample_rate)
    : config_(config),
      sample_rate_(sample_rate),
      detector_(make_detector(config, sample_rate)),
      // The padding, plus the speech the detector needs before it calls it speech, plus slack
      // for the windows it lags behind.
      history_capacity_(samples_of(config.padding_ms + config.min_speech_ms + 4 * kWindowMs)) {}

std::int64_t UtteranceGate::samples_of(double ms) const {
  return static_cast<std::int64_t>(ms * sample_rate_ / 1000.0);
}

double UtteranceGate::ms_of(std::int64_t samples) const {
  return static_cast<double>(samples) * 1000.0 / sample_rate_;
}

GateOutput UtteranceGate::push(std::span<const std::int16_t> samples) {
  GateOutput out;
  if (in_speech_) {
    utterance_.insert(utterance_.end(), samples.begin(), samples.end());
  } else {
    history_.insert(history_.end(), samples.begin(), samples.end());
  }
  pushed_ += static_cast<std::int64_t>(samples.size());
  for (const auto& event : detector_.push(samples)) {
    if (event.type == turn::VadEventType::speech_start && !in_speech_) {
      start_speech(event.timestamp_ms);
      out.speech_started = true;
    } else if (event.type == turn::VadEventType::speech_end && in_speech_) {
      auto utterance = end_speech(event.timestamp_ms);
      if (!utterance.samples.empty()) out.utterances.push_back(std::move(utterance));
      out.speech_ended = true;
    }
  }
  const auto longest = samples_of(static_cast<double>(config_.max_utterance.count()));
  if (in_speech_ && static_cast<std::int64_t>(utterance_.size()) >= longest) {
    GatedUtterance part{std::move(utterance_), ms_of(utterance_start_), false};
    utterance_start_ += static_cast<std::int64_t>(part.samples.size());
    utterance_.clear();
    out.utterances.push_back(std::move(part));
  }
  if (!in_speech_) keep_history_bounded();
  return out;
}

std::optional<GatedUtterance> UtteranceGate::cut() {
  if (!in_speech_) return std::nullopt;
  GatedUtterance utterance{std::move(utterance_), ms_of(utterance_start_), false};
  utterance_.clear();
  history_.clear();
  in_speech_ = false;
  detector_.reset();
  detector_origin_ = pushed_;
  if (utterance.samples.empty()) return std::nullopt;
  return utterance;
}

void UtteranceGate::start_speech(double detector_ms) {
  const auto history_start = pushed_ - static_cast<std::int64_t>(history_.size());
  const auto speech_start = detector_origin_ + samples_of(detector_ms);
  const auto from = std::max(speech_start - samples_of(config_.padding_ms), history_start);
  utterance_.assign(history_.begin() + (from - history_start), history_.end());
  utterance_start_ = from;
  history_.clear();
  in_speech_ = true;
}

GatedUtterance UtteranceGate::end_speech(double detector_ms) {
  const auto silence_start = detector_origin_ + samples_of(detector_ms);
  const auto keep =
      std::clamp<std::int64_t>(silence_start + samples_of(config_.padding_ms) - utterance_start_, 0,
                               static_cast<std::int64_t>(utterance_.size()));
  GatedUtterance utterance{
      {utterance_.begin(), utterance_.begin() + keep}, ms_of(utterance_start_), true};
  history_.assign(utterance_.begin() + keep, utterance_.end());
  utterance_.clear();
  in_speech_ = false;
  // A part cut by length just before the silence began holds no speech: it is not sent.
  if (silence_start <= utterance_start_) utterance.samples.clear();
  return utterance;
}

void UtteranceGate::keep_history_bounded() {
  const auto excess = static_cast<std::int64_t>(history_.size()) - history_capacity_;
  if (excess > 0) history_.erase(history_.begin(), history_.begin() + excess);
}

}  // namespace patter::providers
