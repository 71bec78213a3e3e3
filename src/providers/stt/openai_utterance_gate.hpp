#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "providers/stt/openai_transcribe_config.hpp"
#include "turn/vad_detector.hpp"

namespace patter::providers {

// One stretch of speech to transcribe, with the padding around it.
struct GatedUtterance {
  std::vector<std::int16_t> samples;
  double start_ms = 0.0;  // where `samples` begins in the stream's audio
  // The silence after it ended it; false when it was cut by finalize() or by its length.
  bool ended_by_silence = false;
};

// What one push() decided.
struct GateOutput {
  bool speech_started = false;
  bool speech_ended = false;
  std::vector<GatedUtterance> utterances;  // ready to send, in order
};

// Finds utterances in a stream of PCM16 samples with an energy voice-activity detector, so that
// only speech is sent for transcription: audio is held while speech goes on (with `padding_ms`
// before its start and after its end) and handed out once `min_silence_ms` of silence ends it,
// or in parts of `max_utterance`. Audio outside speech is kept only as long as the padding needs.
// Pure logic: time is the count of samples pushed.
class UtteranceGate {
 public:
  UtteranceGate(const UtteranceGateConfig& config, int sample_rate);

  GateOutput push(std::span<const std::int16_t> samples);
  // Ends the utterance in progress now, if any: finalize(). The detector starts afresh.
  std::optional<GatedUtterance> cut();

  [[nodiscard]] bool in_speech() const { return in_speech_; }
  [[nodiscard]] int sample_rate() const { return sample_rate_; }

 private:
  [[nodiscard]] std::int64_t samples_of(double ms) const;
  [[nodiscard]] double ms_of(std::int64_t samples) const;
  void start_speech(double detector_ms);
  GatedUtterance end_speech(double detector_ms);
  void keep_history_bounded();

  UtteranceGateConfig config_;
  int sample_rate_;
  turn::VadDetector detector_;
  std::int64_t detector_origin_ = 0;  // the stream sample at the detector's time zero
  std::int64_t pushed_ = 0;           // samples pushed so far

  std::deque<std::int16_t> history_;  // recent audio outside speech, for the padding
  std::int64_t history_capacity_;
  bool in_speech_ = false;
  std::vector<std::int16_t> utterance_;
  std::int64_t utterance_start_ = 0;  // stream sample of utterance_.front()
};

}  // namespace patter::providers
