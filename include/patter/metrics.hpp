#pragma once

// What a call measures: latency per turn, cost, and the call's summary.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace patter {

// US dollars, rounded to 6 decimals.
struct CostBreakdown {
  double stt = 0.0;
  double tts = 0.0;
  double llm = 0.0;
  double telephony = 0.0;
  double total = 0.0;
  double llm_cached_savings = 0.0;  // what cached prompt tokens saved, already left out of `llm`

  bool operator==(const CostBreakdown&) const = default;
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

// End-of-utterance metrics (0.6.1 convention), in ms and clamped at 0; only when the VAD stop,
// final transcript and commit stamps all exist.
struct EouMetrics {
  double end_of_utterance_delay_ms = 0.0;  // final transcript − VAD stop
  double transcription_delay_ms = 0.0;     // commit − VAD stop

  bool operator==(const EouMetrics&) const = default;
};

inline constexpr std::string_view kInterruptedMarker = "[interrupted]";

struct TurnMetrics {
  int turn_index = 0;
  std::string user_text;
  // What the agent said; ends with kInterruptedMarker when the user cut it off.
  std::string agent_text;
  LatencyBreakdown latency;
  double stt_audio_seconds = 0.0;
  std::size_t tts_characters = 0;
  std::chrono::system_clock::time_point timestamp{};

  [[nodiscard]] bool interrupted() const { return agent_text.ends_with(kInterruptedMarker); }
};

// Per-component statistics over the turns that count: interrupted turns, turns with
// total_ms == 0 and turns that answered no user words (the first message) are left out, and
// each component drops its own zero or missing values.
// Components with no values are 0 (plain fields) or absent (optional fields).
struct LatencyAggregate {
  LatencyBreakdown average;
  LatencyBreakdown p50;
  LatencyBreakdown p90;
  LatencyBreakdown p95;
  LatencyBreakdown p99;
};

struct InterruptionCounts {
  int interruptions = 0;  // turns the user cut off
  int backchannels = 0;   // user sounds ("mm-hm") that did not interrupt

  bool operator==(const InterruptionCounts&) const = default;
};

struct CallDescription {
  std::string call_id;
  double duration_seconds = 0.0;
  std::string provider_mode;
  std::string stt_provider;
  std::string tts_provider;
  std::string llm_provider;
  std::string telephony_provider;
};

struct CallMetrics {
  CallDescription call;
  std::vector<TurnMetrics> turns;
  CostBreakdown cost;
  LatencyAggregate latency;
  InterruptionCounts interruptions;
};

}  // namespace patter
