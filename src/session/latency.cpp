#include "session/latency.hpp"

#include <algorithm>
#include <cmath>

namespace patter::session {
namespace {

using Stamp = std::optional<core::TimePoint>;

// Non-negative milliseconds from `from` to `to`; a stamp taken out of order reads as 0 rather
// than as a negative latency.
std::optional<double> span_ms(const Stamp& from, const Stamp& to) {
  if (!from || !to) return std::nullopt;
  return std::max(0.0, core::elapsed_ms(*from, *to));
}

Stamp first_present(std::initializer_list<Stamp> stamps) {
  for (const auto& stamp : stamps) {
    if (stamp) return stamp;
  }
  return std::nullopt;
}

Stamp earliest(const Stamp& a, const Stamp& b) {
  if (a && b) return std::min(*a, *b);
  return a ? a : b;
}

std::optional<double> rounded(std::optional<double> value) {
  if (!value) return std::nullopt;
  return round_to_tenth(*value);
}

}  // namespace

double round_to_tenth(double value) {
  return std::round(value * 10.0) / 10.0;
}

LatencyBreakdown compute_latency(const TurnStamps& s) {
  const Stamp llm_start = first_present({s.stt_final, s.turn_commit});
  const auto stt = span_ms(s.user_speech_end, s.stt_final);
  const auto llm_total = span_ms(llm_start, s.llm_complete);
  const auto ttft = span_ms(llm_start, s.llm_first_token);
  const auto tts = span_ms(first_present({s.first_sentence, s.llm_complete}), s.tts_first_byte);
  const auto total = span_ms(s.turn_start, s.tts_first_byte);
  const auto endpoint = span_ms(earliest(s.user_speech_end, s.stt_final), s.turn_commit);

  LatencyBreakdown out;
  out.stt_ms = round_to_tenth(stt.value_or(0.0));
  out.llm_ms = round_to_tenth(llm_total.value_or(0.0));
  out.tts_ms = round_to_tenth(tts.value_or(0.0));
  out.total_ms = round_to_tenth(total.value_or(0.0));
  out.llm_ttft_ms = rounded(ttft);
  out.llm_total_ms = rounded(llm_total);
  out.endpoint_ms = rounded(endpoint);
  out.bargein_ms = rounded(span_ms(s.bargein_detected, s.tts_stopped));
  out.tts_total_ms = rounded(span_ms(
      first_present({s.llm_first_token, s.first_sentence, s.llm_complete}), s.tts_last_byte));
  if (endpoint && ttft && tts) out.agent_response_ms = round_to_tenth(*endpoint + *ttft + *tts);
  out.user_speech_duration_ms = rounded(span_ms(s.user_speech_start, s.user_speech_end));
  return out;
}

std::optional<EouMetrics> compute_eou_metrics(const TurnStamps& s) {
  if (!s.user_speech_end || !s.stt_final || !s.turn_commit) return std::nullopt;
  return EouMetrics{*span_ms(s.user_speech_end, s.stt_final),
                    *span_ms(s.user_speech_end, s.turn_commit)};
}

}  // namespace patter::session
