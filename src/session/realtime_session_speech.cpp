// The agent's side of a realtime call: the engine's audio paced to the line, its transcript,
// guardrails on it, and each answer's end, whether heard out or cut off.

#include <spdlog/spdlog.h>

#include <exception>

#include "session/guardrails.hpp"
#include "session/realtime_session.hpp"

namespace patter::session {

namespace {

// The first `fraction` of `text`, cut back to a word boundary.
std::string leading_words(const std::string& text, double fraction) {
  if (fraction >= 1.0) return text;
  if (fraction <= 0.0) return {};
  std::size_t cut = static_cast<std::size_t>(static_cast<double>(text.size()) * fraction);
  while (cut > 0 && text[cut] != ' ') --cut;
  return text.substr(0, cut);
}

}  // namespace

RealtimeSession::Response& RealtimeSession::ensure_response() {
  if (response_) return *response_;
  note_response_opened_for_follow_up();
  Response response;
  if (carried_) {
    response = std::move(*carried_);
    carried_.reset();
  } else if (user_stamps_.user_speech_end || !user_text_.empty()) {
    response.turn_index = ++turn_index_;
    response.stamps = std::exchange(user_stamps_, {});
    // Engines without voice activity events (ConvAI) mark the turn by the caller's transcript.
    response.stamps.turn_start =
        response.stamps.user_speech_end.value_or(response.stamps.stt_final.value_or(clock_.now()));
    response.user_text = std::exchange(user_text_, {});
    CallEvent started;
    started.type = EventType::turn_started;
    started.turn = response.turn_index;
    started.text = response.user_text;
    emit(std::move(started));
  } else {
    response.turn_index = turn_index_;
    response.first_message = std::exchange(greeting_pending_, false);
    response.stamps.turn_start = clock_.now();
  }
  response.id = next_response_id_++;
  response.epoch = epoch_;
  response_ = std::move(response);
  return *response_;
}

void RealtimeSession::on_engine_audio(std::vector<std::uint8_t> audio) {
  if (discarding_ || audio.empty()) return;
  // A new answer while the last one is still playing out: the last one is complete (all its
  // audio is queued) and the new one plays after it.
  if (response_ && response_->engine_done && response_->speech_begun) complete_response(false);
  Response& response = ensure_response();
  const core::TimePoint now = clock_.now();
  if (!response.stamps.tts_first_byte) {
    response.stamps.tts_first_byte = now;
    if (auto& fn = callbacks_.speech_edges.on_audio_out; fn && !response.audio_out_reported) {
      const AudioOut payload{monotonic_ms(), response.turn_index, agent_.engine->name()};
      run_user("on_audio_out", [fn, payload] { fn(payload); });
    }
    response.audio_out_reported = true;
  }
  report_first_output(response);
  response.stamps.tts_last_byte = now;
  if (!response.speech_begun) {
    speech_->begin_turn(carrier_->audio_format());
    response.speech_begun = true;
  }
  const auto& format = speech_->carrier_format();
  const std::size_t whole = audio.size() - audio.size() % format.bytes_per_sample();
  response.received_samples += whole / format.bytes_per_sample();
  CallEvent chunk;
  chunk.type = EventType::tts_chunk;
  chunk.turn = response.turn_index;
  chunk.bytes = whole;
  emit(std::move(chunk));
  speech_->push(std::span<const std::uint8_t>(audio.data(), whole));
}

// The engine's first text or audio of an answer stands for the pipeline's first LLM token.
void RealtimeSession::report_first_output(Response& response) {
  if (response.first_token_reported) return;
  response.first_token_reported = true;
  if (auto& fn = callbacks_.speech_edges.on_llm_token) {
    const LlmFirstToken payload{monotonic_ms(), response.turn_index, agent_.engine->name(),
                                agent_.engine->model()};
    run_user("on_llm_token", [fn, payload] { fn(payload); });
  }
}

void RealtimeSession::on_first_audio_sent(core::TimePoint at) {
  if (!response_) return;
  set_state(std::nullopt, AgentState::speaking);
  if (auto& fn = callbacks_.speech_edges.on_agent_speech_started) {
    const AgentSpeechStarted payload{core::elapsed_ms(core::TimePoint{}, at), response_->turn_index,
                                     std::nullopt, agent_.engine->name()};
    run_user("on_agent_speech_started", [fn, payload] { fn(payload); });
  }
}

void RealtimeSession::on_agent_transcript(const std::string& text, bool final) {
  if (discarding_) return;
  if (response_ && response_->engine_done && response_->speech_begun) complete_response(false);
  Response& response = ensure_response();
  report_first_output(response);
  if (final) {
    response.final_transcript = text;
  } else {
    response.transcript += text;
    CallEvent chunk;
    chunk.type = EventType::llm_chunk;
    chunk.turn = response.turn_index;
    chunk.text = text;
    emit(std::move(chunk));
  }
  check_guardrails();
}

void RealtimeSession::on_response_done() {
  if (discarding_) {
    discarding_ = false;
    return;
  }
  if (!response_) return;
  Response& response = *response_;
  response.engine_done = true;
  note_response_done_for_follow_up(response.tool_calls > 0);
  if (response.speech_begun) {
    speech_->finish_turn();
    return;
  }
  if (response.tool_calls > 0 && response.transcript.empty() && !response.final_transcript) {
    // It only called tools: the answer to their results carries the turn on.
    carried_ = std::move(response);
    carried_->engine_done = false;
    carried_->tool_calls = 0;
    response_.reset();
    maybe_act_after_speech();
    return;
  }
  complete_response(false);
}

void RealtimeSession::on_played_out() {
  if (response_ && response_->engine_done && response_->speech_begun) complete_response(false);
}

bool RealtimeSession::silence_response() {
  Response& response = *response_;
  if (response.speech_begun) {
    response.heard_samples = speech_->turn_samples_played();
    speech_->interrupt();
    response.speech_begun = false;
  } else {
    response.heard_samples = 0;
  }
  ++epoch_;
  response.epoch = epoch_;
  const bool engine_was_speaking = !response.engine_done;
  if (engine_was_speaking) discarding_ = true;
  return engine_was_speaking;
}

std::string RealtimeSession::heard_text() const {
  const Response& response = *response_;
  const std::string& text = response.final_transcript ? *response.final_transcript : response.transcript;
  if (!response.heard_samples) return text;
  if (response.received_samples == 0) return {};
  return leading_words(text, static_cast<double>(*response.heard_samples) /
                                 static_cast<double>(response.received_samples));
}

void RealtimeSession::complete_response(bool interrupted) {
  const std::string agent_text = heard_text();
  Response response = std::move(*response_);
  response_.reset();
  guardrail_text_.clear();
  const bool spoke = response.stamps.tts_first_byte.has_value();
  record_turn(response, interrupted ? interrupted_agent_text(agent_text) : agent_text);
  if (!agent_text.empty()) add_history("assistant", agent_text);
  if (spoke) {
    if (auto& fn = callbacks_.speech_edges.on_agent_speech_ended) {
      const double duration = core::elapsed_ms(*response.stamps.tts_first_byte, clock_.now());
      const AgentSpeechEnded payload{monotonic_ms(), response.turn_index, duration, interrupted};
      run_user("on_agent_speech_ended", [fn, payload] { fn(payload); });
    }
  }
  set_state(std::nullopt, AgentState::listening);
  maybe_act_after_speech();
}

void RealtimeSession::record_turn(const Response& response, std::string agent_text) {
  TurnMetrics turn;
  turn.turn_index = response.turn_index;
  turn.user_text = response.user_text;
  turn.agent_text = std::move(agent_text);
  turn.latency = compute_latency(response.stamps);
  turn.timestamp = clock_.wall_now();
  recorder_.add_turn(turn);
  if (services_.observer) services_.observer->turn_completed(call_id(), turn);
  for (const auto type : {EventType::turn_ended, EventType::metrics_collected}) {
    CallEvent event;
    event.type = type;
    event.turn = response.turn_index;
    event.turn_metrics = turn;
    emit(std::move(event));
  }
  if (auto& fn = callbacks_.on_metrics) {
    MetricsEvent event{call_id(), turn, cost_.breakdown(), turn.latency.llm_ttft_ms};
    run_user("on_metrics", [fn, event = std::move(event)] { fn(event); });
  }
}

// Guardrails (user code) run on the user lane, one check at a time, over the response's text so
// far; a term split across transcript deltas is still found.
void RealtimeSession::check_guardrails() {
  if (agent_.guardrails.empty() || !response_ || response_->blocked || guardrail_check_running_) return;
  const std::string& text = response_->final_transcript ? *response_->final_transcript : response_->transcript;
  if (text.empty() || text == guardrail_text_) return;
  guardrail_text_ = text;
  guardrail_check_running_ = true;
  run_user("guardrails", [post = poster(), guardrails = agent_.guardrails, text, id = response_->id] {
    std::optional<std::string> replacement;
    try {
      replacement = apply_guardrails(guardrails, text);
    } catch (const std::exception& error) {
      spdlog::warn("guardrails raised (text passes): {}", error.what());
    }
    post([id, length = text.size(), replacement](RealtimeSession& session) {
      session.on_guardrail_verdict(id, length, replacement);
    });
  });
}

void RealtimeSession::on_guardrail_verdict(std::uint64_t response_id, std::size_t checked_length,
                                           std::optional<std::string> replacement) {
  guardrail_check_running_ = false;
  if (!replacement || !response_ || response_->id != response_id || response_->blocked) {
    check_guardrails();
    return;
  }
  spdlog::info("call {}: a guardrail blocked the response after {} characters; saying its replacement",
               call_id(), checked_length);
  silence_response();
  Response& response = *response_;
  response.blocked = true;
  response.engine_done = false;
  response.transcript.clear();
  response.final_transcript.reset();
  response.heard_samples.reset();
  response.received_samples = 0;
  if (engine_) engine_->say(*replacement);
}

}  // namespace patter::session
