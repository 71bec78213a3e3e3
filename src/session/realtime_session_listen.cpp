// The caller's side of a realtime call as the engine reports it: speech edges, transcripts,
// barge-in, and the usage the engine bills.

#include <spdlog/spdlog.h>

#include "session/realtime_session.hpp"

namespace patter::session {

void RealtimeSession::on_user_speech_started() {
  const core::TimePoint now = clock_.now();
  speech_started_at_ = now;
  user_stamps_.user_speech_start = now;
  user_stamps_.user_speech_end.reset();
  set_state(UserState::speaking, std::nullopt);
  if (auto& fn = callbacks_.speech_edges.on_user_speech_started) {
    const UserSpeechStarted payload{monotonic_ms(), std::nullopt, std::nullopt};
    run_user("on_user_speech_started", [fn, payload] { fn(payload); });
  }
  if (response_ && agent_.barge_in.enabled && agent_.barge_in_threshold_ms != 0) barge_in();
}

void RealtimeSession::on_user_speech_stopped() {
  const core::TimePoint now = clock_.now();
  user_stamps_.user_speech_end = now;
  if (!user_stamps_.user_speech_start) user_stamps_.user_speech_start = speech_started_at_.value_or(now);
  const double duration = core::elapsed_ms(*user_stamps_.user_speech_start, now);
  speech_started_at_.reset();
  set_state(UserState::listening, response_ ? std::nullopt : std::optional(AgentState::thinking));
  if (auto& fn = callbacks_.speech_edges.on_user_speech_ended) {
    const UserSpeechEnded payload{monotonic_ms(), std::nullopt, std::nullopt, duration};
    run_user("on_user_speech_ended", [fn, payload] { fn(payload); });
  }
  if (auto& fn = callbacks_.speech_edges.on_user_speech_eos) {
    const UserSpeechEos payload{monotonic_ms(), EosTrigger::vad_silence, std::nullopt,
                                user_text_.empty() ? std::nullopt : std::optional(user_text_)};
    run_user("on_user_speech_eos", [fn, payload] { fn(payload); });
  }
  // A blocked answer whose replacement never came (an engine that cannot say() text) is over.
  if (response_ && response_->blocked && !response_->speech_begun) complete_response(true);
}

void RealtimeSession::on_user_transcript(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return;
  CallEvent event;
  event.type = EventType::transcript_final;
  event.text = text;
  event.is_final = true;
  event.confidence = 1.0;
  emit(std::move(event));
  add_history("user", text);
  // Transcription runs beside the answer: the words may come before or after its first audio.
  if (response_ && !response_->first_message && response_->user_text.empty() &&
      response_->stamps.user_speech_end) {
    response_->user_text = text;
    response_->stamps.stt_final = clock_.now();
    return;
  }
  if (carried_ && carried_->user_text.empty() && !carried_->first_message) {
    carried_->user_text = text;
    carried_->stamps.stt_final = clock_.now();
    return;
  }
  user_text_ = user_text_.empty() ? text : user_text_ + " " + text;
  user_stamps_.stt_final = clock_.now();
}

void RealtimeSession::on_usage(const EngineUsage& usage) {
  RealtimeUsage billed;
  billed.input_audio_tokens = usage.input_audio_tokens;
  billed.input_text_tokens = usage.input_text_tokens;
  billed.output_audio_tokens = usage.output_audio_tokens;
  billed.output_text_tokens = usage.output_text_tokens;
  billed.cached_audio_tokens = usage.cached_audio_tokens;
  billed.cached_text_tokens = usage.cached_text_tokens;
  cost_.add_realtime_usage(agent_.engine->model(), billed);
}

// The caller spoke over the current response: the caller's line is cleared at once, the engine
// is told how much was heard, and everything still coming of that response is dropped.
void RealtimeSession::barge_in() {
  Response& response = *response_;
  const bool audible = agent_audible();
  const bool started = response.speech_begun || response.tool_calls > 0 || !response.transcript.empty() ||
                       response.final_transcript.has_value();
  const core::TimePoint detected = speech_started_at_.value_or(clock_.now());
  const bool engine_was_speaking = silence_response();
  const auto played = std::chrono::duration_cast<std::chrono::milliseconds>(
      speech_->carrier_format().duration_of(response.heard_samples.value_or(0)));
  if (engine_) engine_->interrupt(played);
  if (!audible && !engine_was_speaking) return;
  spdlog::debug("call {}: barge-in after {} ms of the response", call_id(), played.count());
  CallEvent event;
  event.type = EventType::interruption;
  event.data = "{\"played_ms\":" + std::to_string(played.count()) + "}";
  emit(std::move(event));
  if (!started) {
    // Nothing of it was heard, said or done: the answer simply never happened.
    response_.reset();
    set_state(std::nullopt, AgentState::listening);
    return;
  }
  response.stamps.bargein_detected = detected;
  response.stamps.tts_stopped = clock_.now();
  complete_response(true);
}

// ConvAI decided the caller interrupted: the line is cleared as for our own barge-in. The engine
// already knows; it ends the response itself, so there is nothing to tell it.
void RealtimeSession::on_engine_interrupted() {
  if (!response_) return;
  const core::TimePoint detected = speech_started_at_.value_or(clock_.now());
  silence_response();
  CallEvent event;
  event.type = EventType::interruption;
  emit(std::move(event));
  response_->stamps.bargein_detected = detected;
  response_->stamps.tts_stopped = clock_.now();
  complete_response(true);
}

}  // namespace patter::session
