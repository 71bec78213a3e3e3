#pragma once

#include <optional>

#include "core/clock.hpp"

namespace patter::session {

// Monotonic instants of one turn, stamped from the call's clock as they happen.
struct TurnStamps {
  std::optional<core::TimePoint> turn_start;
  std::optional<core::TimePoint> user_speech_start;  // VAD speech start
  std::optional<core::TimePoint> user_speech_end;    // VAD speech stop
  std::optional<core::TimePoint> stt_final;          // final transcript
  std::optional<core::TimePoint> turn_commit;        // user turn committed to the LLM
  std::optional<core::TimePoint> llm_first_token;
  std::optional<core::TimePoint> llm_complete;
  std::optional<core::TimePoint> first_sentence;  // first sentence handed to TTS
  std::optional<core::TimePoint> tts_first_byte;
  std::optional<core::TimePoint> tts_last_byte;
  std::optional<core::TimePoint> bargein_detected;
  std::optional<core::TimePoint> tts_stopped;
};

// Milliseconds, rounded to one decimal. The four plain fields are 0 when their stamps are
// missing (as in the reference); the optional ones are absent instead.
struct LatencyBreakdown {
  double stt_ms = 0.0;    // final transcript − end of user speech (0.6.1 meaning)
  double llm_ms = 0.0;    // LLM complete − final transcript (or commit)
  double tts_ms = 0.0;    // TTS first byte − (first sentence or LLM complete), ≥ 0
  double total_ms = 0.0;  // TTS first byte − turn start
  std::optional<double> llm_ttft_ms;
  std::optional<double> llm_total_ms;
  std::optional<double> endpoint_ms;  // commit − first of (VAD stop, final transcript)
  std::optional<double> bargein_ms;   // TTS stopped − barge-in detected
  std::optional<double> tts_total_ms;
  std::optional<double> agent_response_ms;  // endpoint + TTFT + TTS, when all three exist
  std::optional<double> user_speech_duration_ms;

  bool operator==(const LatencyBreakdown&) const = default;
};

LatencyBreakdown compute_latency(const TurnStamps& stamps);

// End-of-utterance metrics (0.6.1 convention), in ms and clamped at 0; only when the VAD stop,
// final transcript and commit stamps all exist.
struct EouMetrics {
  double end_of_utterance_delay_ms = 0.0;  // final transcript − VAD stop
  double transcription_delay_ms = 0.0;     // commit − VAD stop

  bool operator==(const EouMetrics&) const = default;
};

std::optional<EouMetrics> compute_eou_metrics(const TurnStamps& stamps);

double round_to_tenth(double value);

}  // namespace patter::session
