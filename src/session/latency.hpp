#pragma once

#include <optional>

#include <patter/metrics.hpp>

#include "core/clock.hpp"

namespace patter::session {

using patter::EouMetrics;
using patter::LatencyBreakdown;

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
  // Where the framework hands over: the LLM and TTS requests left for their providers (the
  // clients' on_request_written), and the reply's first frame went to the carrier.
  std::optional<core::TimePoint> llm_request_written;
  std::optional<core::TimePoint> tts_request_written;
  std::optional<core::TimePoint> first_frame_sent;
};

LatencyBreakdown compute_latency(const TurnStamps& stamps);

std::optional<EouMetrics> compute_eou_metrics(const TurnStamps& stamps);

double round_to_tenth(double value);

}  // namespace patter::session
