#include "session/stage_latency.hpp"

namespace patter::session {

namespace {

void record_span(StageLatencies& latencies, Stage stage, const std::optional<core::TimePoint>& from,
                 const std::optional<core::TimePoint>& to) {
  if (from && to) latencies.record(stage, *to - *from);
}

}  // namespace

std::string_view to_string(Stage stage) {
  switch (stage) {
    case Stage::stt_final_to_llm_request:
      return "stt_final_to_llm_request";
    case Stage::sentence_to_tts_request:
      return "sentence_to_tts_request";
    case Stage::tts_audio_to_carrier:
      return "tts_audio_to_carrier";
  }
  return "unknown";
}

StageLatencies& StageLatencies::process() {
  static StageLatencies latencies;
  return latencies;
}

void StageLatencies::record(Stage stage, core::Duration duration) {
  stages_[static_cast<std::size_t>(stage)].record(duration);
}

void StageLatencies::record_turn(const TurnStamps& stamps) {
  record_span(*this, Stage::stt_final_to_llm_request, stamps.stt_final, stamps.llm_request_written);
  record_span(*this, Stage::sentence_to_tts_request, stamps.first_sentence, stamps.tts_request_written);
  record_span(*this, Stage::tts_audio_to_carrier, stamps.tts_first_byte, stamps.first_frame_sent);
}

HistogramSnapshot StageLatencies::snapshot(Stage stage) const {
  return stages_[static_cast<std::size_t>(stage)].snapshot();
}

}  // namespace patter::session
