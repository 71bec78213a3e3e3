// The listening half of a call: caller audio → VAD and speech-to-text, barge-in, turn commits.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>

#include "session/call_session.hpp"

namespace patter::session {

void CallSession::open_stt() {
  if (!agent_.stt || ended_) return;
  SttEvents events;
  events.on_transcript = [post = poster()](const Transcript& transcript) {
    post([transcript](CallSession& session) { session.on_transcript(transcript); });
  };
  events.on_audio_replayed = [post = poster()](double seconds) {
    post([seconds](CallSession& session) { session.cost_.add_stt_seconds(seconds); });
  };
  events.on_provider_changed = [post = poster()](const std::string& provider,
                                                 const std::string& model) {
    post([provider, model](CallSession& session) {
      session.cost_.use_stt_provider(provider, model);
    });
  };
  events.on_error = [post = poster()](const std::string& message) {
    post([message](CallSession& session) {
      spdlog::error("call {}: speech-to-text failed: {}", session.call_id(), message);
      session.end("error: speech-to-text failed: " + message);
    });
  };
  try {
    stt_ = agent_.stt->open(stream_context_, std::move(events));
  } catch (const std::exception& error) {
    spdlog::error("call {}: cannot open speech-to-text ({}): {}", call_id(), agent_.stt->name(),
                  error.what());
    end(std::string("error: speech-to-text unavailable: ") + error.what());
  }
}

void CallSession::on_caller_audio(std::span<const std::uint8_t> frame) {
  if (ended_ || !started_ || !to_stt_) return;
  if (vad_ && to_vad_) {
    const auto pcm = to_vad_->convert(frame);
    std::span<const std::int16_t> samples{reinterpret_cast<const std::int16_t*>(pcm.data()),
                                          pcm.size() / 2};
    vad_audio_samples_ += samples.size();
    for (const auto& event : vad_->push(samples)) on_vad_event(event);
    if (ended_) return;
    settle_suppressed_speech();
  }
  auto stt_bytes = to_stt_->convert(frame);
  std::vector<std::uint8_t> hooked;
  if (agent_.hooks.before_send_to_stt && agent_.stt->input_format().encoding == Encoding::pcm16_le) {
    try {
      std::span<const std::int16_t> pcm{reinterpret_cast<const std::int16_t*>(stt_bytes.data()),
                                        stt_bytes.size() / 2};
      auto changed = agent_.hooks.before_send_to_stt(pcm, setup_.parties);
      if (!changed) return;
      hooked.resize(changed->size() * 2);
      std::memcpy(hooked.data(), changed->data(), hooked.size());
      stt_bytes = hooked;
    } catch (const std::exception& error) {
      spdlog::warn("before_send_to_stt raised: {}", error.what());
    }
  }
  if (stt_should_hear()) {
    feed_stt(stt_bytes);
  } else {
    remember_withheld(stt_bytes);
  }
}

// Speech that began inside the barge-in gate counts only if it is still going on after the gate:
// decided on the first VAD window lying wholly after it (one window plus one frame later), since
// the VAD's hang-over keeps a short burst "speaking" for a while after it stopped.
void CallSession::settle_suppressed_speech() {
  if (!suppressed_speech_) return;
  const auto first_audio = speech_ ? speech_->first_audio_sent() : std::nullopt;
  if (!first_audio || !agent_audible()) {
    suppressed_speech_ = false;
    return;
  }
  const core::Duration decision_delay = std::chrono::milliseconds{32 + 20};
  if (clock_.now() < *first_audio + agent_.barge_in.gate + decision_delay) return;
  suppressed_speech_ = false;
  if (vad_->speaking() &&
      vad_->smoothed_probability() >= static_cast<float>(agent_.vad.activation_threshold)) {
    begin_pending_barge_in();
  }
}

// While the agent is audible its own voice may come back down the line, so the caller's audio
// reaches speech-to-text only once a barge-in is pending (or when there is no VAD to tell).
bool CallSession::stt_should_hear() const {
  if (!agent_audible()) return true;
  if (agent_.barge_in_threshold_ms == 0 || !agent_.barge_in.enabled) return false;
  if (!vad_) return true;
  return barge_state_ == BargeState::pending;
}

// Speech-to-text gets each frame at once while the caller may be speaking or a transcript may
// still be on its way (every millisecond there is response latency). Once a turn is committed
// and the VAD has heard its speech end, until the VAD hears speech again or a transcript brings
// words, nothing waits on it: the audio goes in 100 ms chunks, one message where there were five.
void CallSession::feed_stt(std::span<const std::uint8_t> bytes) {
  if (!stt_ || bytes.empty()) return;
  const auto format = agent_.stt->input_format();
  cost_.add_stt_audio(bytes.size(), format.sample_rate, static_cast<int>(format.bytes_per_sample()));
  if (stt_quiet_ && vad_ && !vad_->speaking()) {
    stt_batch_.insert(stt_batch_.end(), bytes.begin(), bytes.end());
    if (stt_batch_.size() >= stt_batch_capacity_) send_stt_batch();
    return;
  }
  send_stt_batch();
  stt_->push_audio(bytes);
}

void CallSession::send_stt_batch() {
  if (stt_batch_.empty()) return;
  if (stt_) stt_->push_audio(stt_batch_);
  stt_batch_.clear();
}

void CallSession::finalize_stt() {
  if (!stt_) return;
  send_stt_batch();
  stt_->finalize();
}

void CallSession::remember_withheld(std::span<const std::uint8_t> bytes) {
  withheld_.insert(withheld_.end(), bytes.begin(), bytes.end());
  if (withheld_.size() > withheld_capacity_) {
    std::size_t excess = withheld_.size() - withheld_capacity_;
    excess += excess % agent_.stt->input_format().bytes_per_sample();
    withheld_.erase(withheld_.begin(),
                    withheld_.begin() + static_cast<std::ptrdiff_t>(std::min(excess, withheld_.size())));
  }
}

void CallSession::replay_withheld() {
  if (withheld_.empty()) return;
  const std::vector<std::uint8_t> audio(withheld_.begin(), withheld_.end());
  withheld_.clear();
  feed_stt(audio);
}

// The VAD decides an edge some windows after it happened; stamps use when it happened: the clock
// time of the audio position the event names (audio arrives as it is spoken).
core::TimePoint CallSession::vad_onset(const turn::VadEvent& event) const {
  const auto rate = static_cast<std::size_t>(vad_->sample_rate());
  const auto at_sample = static_cast<std::size_t>(event.timestamp_ms * static_cast<double>(rate) / 1000.0);
  const std::size_t behind = vad_audio_samples_ > at_sample ? vad_audio_samples_ - at_sample : 0;
  return clock_.now() - AudioFormat{Encoding::pcm16_le, static_cast<int>(rate)}.duration_of(behind);
}

void CallSession::reset_vad() {
  if (!vad_) return;
  // A caller who has just stopped (the reply came before the VAD's minimum silence) stopped
  // there: the turn keeps its end of speech.
  if (const auto ended = vad_->end_at_silence()) on_vad_event(*ended);
  vad_->reset();
  vad_audio_samples_ = 0;
}

void CallSession::on_vad_event(const turn::VadEvent& event) {
  const core::TimePoint onset = vad_onset(event);
  if (event.type == turn::VadEventType::speech_start) {
    speech_started_at_ = onset;
    stt_quiet_ = false;
    stt_quiet_after_speech_ = false;
    // The caller is speaking again: where this speech ends is not known yet.
    user_stamps_.user_speech_end.reset();
    if (!user_stamps_.stt_final && pending_partial_.empty()) {
      // Nothing was heard of the last utterance (or it already made its turn): this one starts
      // the next turn.
      user_stamps_.user_speech_start = onset;
    } else if (!user_stamps_.user_speech_start) {
      user_stamps_.user_speech_start = onset;
    }
    set_state(UserState::speaking, std::nullopt);
    if (auto& fn = callbacks_.speech_edges.on_user_speech_started) {
      const UserSpeechStarted payload{core::elapsed_ms(core::TimePoint{}, onset),
                                      static_cast<double>(event.confidence),
                                      event.timestamp_ms};
      run_user("on_user_speech_started", [fn, payload] { fn(payload); });
    }
    if (!agent_audible() || !agent_.barge_in.enabled || agent_.barge_in_threshold_ms == 0) return;
    const auto first_audio = speech_->first_audio_sent();
    if (first_audio && onset < *first_audio + agent_.barge_in.gate) {
      // Began too soon after the agent started: most likely the line echoing its first words. Decided
      // once the gate is over (see settle_suppressed_speech).
      suppressed_speech_ = true;
      return;
    }
    begin_pending_barge_in();
    return;
  }
  if (reply_ && !reply_->first_message && reply_->stamps.turn_commit && !reply_->stamps.user_speech_end &&
      speech_started_at_ && *speech_started_at_ <= *reply_->stamps.turn_commit) {
    // Speech-to-text ended this utterance's turn before the VAD had heard enough silence: the
    // turn being answered is the one that ended here.
    reply_->stamps.user_speech_end = onset;
  } else {
    user_stamps_.user_speech_end = onset;
  }
  speech_started_at_.reset();
  if (std::exchange(stt_quiet_after_speech_, false)) stt_quiet_ = true;
  set_state(UserState::listening, std::nullopt);
  if (auto& fn = callbacks_.speech_edges.on_user_speech_ended) {
    const UserSpeechEnded payload{core::elapsed_ms(core::TimePoint{}, onset),
                                  static_cast<double>(event.confidence),
                                  event.timestamp_ms, event.speech_duration_ms};
    run_user("on_user_speech_ended", [fn, payload] { fn(payload); });
  }
  if (auto& fn = callbacks_.speech_edges.on_user_speech_eos) {
    const UserSpeechEos payload{monotonic_ms(), EosTrigger::vad_silence,
                                static_cast<double>(agent_.vad.min_silence.count()),
                                pending_partial_.empty() ? std::nullopt
                                                         : std::optional(pending_partial_)};
    run_user("on_user_speech_eos", [fn, payload] { fn(payload); });
  }
  if (stt_should_hear()) finalize_stt();
  if (!resumable_text_.empty() && agent_.barge_in.resume_after_false_interruption.count() > 0) {
    resume_timer_ = clock_.schedule_after(agent_.barge_in.resume_after_false_interruption, [this] {
      if (resumable_text_.empty() || reply_) return;
      spdlog::info("call {}: interruption without words; resuming the reply", call_id());
      std::string text = std::exchange(resumable_text_, {});
      TurnStamps stamps;
      stamps.turn_start = clock_.now();
      start_reply({}, stamps);
      reply_->resumed = true;
      on_brain_text(reply_->epoch, text);
      on_brain_done(reply_->epoch);
    });
  }
}

void CallSession::on_transcript(const Transcript& transcript) {
  const core::TimePoint now = clock_.now();
  CallEvent event;
  event.type = transcript.is_final ? EventType::transcript_final : EventType::transcript_partial;
  event.text = transcript.text;
  event.is_final = transcript.is_final;
  event.confidence = transcript.confidence;
  emit(std::move(event));

  const bool has_text = transcript.text.find_first_not_of(" \t\r\n") != std::string::npos;
  if (has_text) {
    // Words are being heard, whether or not the VAD took them for speech: until they make a turn,
    // every frame counts.
    stt_quiet_ = false;
    resumable_text_.clear();
    resume_timer_.cancel();
    if (!user_stamps_.turn_start) user_stamps_.turn_start = now;
  }
  if (discard_next_final_) {
    if (transcript.is_final) discard_next_final_ = false;
    return;
  }
  if (barge_state_ == BargeState::pending) {
    evaluate_barge_in(transcript.text, transcript.is_final);
    return;
  }
  if (has_text && agent_audible() && !vad_ && agent_.barge_in.enabled &&
      agent_.barge_in_threshold_ms != 0) {
    const auto first_audio = speech_->first_audio_sent();
    if (first_audio && now >= *first_audio + agent_.barge_in.gate) {
      begin_pending_barge_in();
      evaluate_barge_in(transcript.text, transcript.is_final);
      return;
    }
  }
  if (!transcript.is_final) {
    pending_partial_ = transcript.text;
    return;
  }
  pending_partial_.clear();
  if (has_text) on_final(transcript.text);
}

void CallSession::on_final(const std::string& text) {
  user_stamps_.stt_final = clock_.now();
  if (user_stamps_.user_speech_end) {
    CallEvent metrics;
    metrics.type = EventType::stt_metrics;
    metrics.data = "{\"stt_ms\":" +
                   std::to_string(core::elapsed_ms(*user_stamps_.user_speech_end, *user_stamps_.stt_final)) + "}";
    emit(std::move(metrics));
  }
  const auto verdict = commit_filter_.judge(text, clock_.now());
  if (verdict == turn::CommitVerdict::commit) {
    commit_user_turn(text, vad_ ? EosTrigger::vad_silence : EosTrigger::manual_commit);
    return;
  }
  if (verdict == turn::CommitVerdict::too_soon && reply_ && !reply_->first_message &&
      !reply_->speech_begun && !reply_->user_text.empty()) {
    // The caller went on talking before the agent said anything: answer both parts at once.
    std::string combined = reply_->user_text + " " + text;
    commit_user_turn(std::move(combined), EosTrigger::manual_commit);
    return;
  }
  spdlog::debug("call {}: final transcript not committed ({}): {}", call_id(),
                turn::to_string(verdict), text);
  user_stamps_ = {};
  if (speech_started_at_) user_stamps_.user_speech_start = speech_started_at_;
}

void CallSession::begin_pending_barge_in() {
  barge_speech_start_ = speech_started_at_ ? *speech_started_at_ : clock_.now();
  held_finals_.clear();
  if (agent_.barge_in.strategies.empty()) {
    confirm_barge_in();
    return;
  }
  barge_state_ = BargeState::pending;
  replay_withheld();
  for (const auto& strategy : agent_.barge_in.strategies) {
    try {
      strategy->reset();
    } catch (const std::exception& error) {
      spdlog::warn("barge-in strategy {} reset raised: {}", strategy->name(), error.what());
    }
  }
  confirm_timer_ = clock_.schedule_after(agent_.barge_in.confirm_window, [this] { drop_pending_barge_in(); });
}

void CallSession::evaluate_barge_in(const std::string& transcript, bool is_final) {
  std::string heard;
  for (const auto& final_text : held_finals_) heard += final_text + " ";
  heard += transcript;
  if (is_final && !transcript.empty()) held_finals_.push_back(transcript);
  const BargeInContext context{heard, is_final, agent_audible()};
  for (const auto& strategy : agent_.barge_in.strategies) {
    bool confirmed = false;
    try {
      confirmed = strategy->evaluate(context);
    } catch (const std::exception& error) {
      spdlog::warn("barge-in strategy {} raised: {}", strategy->name(), error.what());
    }
    if (confirmed) {
      confirm_barge_in();
      return;
    }
  }
}

void CallSession::confirm_barge_in() {
  confirm_timer_.cancel();
  barge_state_ = BargeState::idle;
  const core::TimePoint now = clock_.now();
  if (reply_ && agent_audible()) {
    reply_->stamps.bargein_detected = barge_speech_start_.value_or(now);
    // Without words yet, the interruption may be a cough: keep what was left unsaid, to resume.
    resumable_text_ = held_finals_.empty() && pending_partial_.empty() ? unplayed_text() : std::string{};
    CallEvent event;
    event.type = EventType::interruption;
    event.data = "{\"detection_delay_ms\":" +
                 std::to_string(core::elapsed_ms(barge_speech_start_.value_or(now), now)) + "}";
    emit(std::move(event));
    interrupt_reply();
  }
  replay_withheld();
  auto finals = std::exchange(held_finals_, {});
  for (const auto& text : finals) on_final(text);
}

void CallSession::drop_pending_barge_in() {
  if (barge_state_ != BargeState::pending) return;
  barge_state_ = BargeState::idle;
  spdlog::debug("call {}: barge-in not confirmed within {} ms; the agent goes on", call_id(),
                agent_.barge_in.confirm_window.count());
  recorder_.add_backchannel();
  // What the caller said was a backchannel: it is not a turn, and a final still on its way
  // from speech-to-text must not become one.
  if (held_finals_.empty() && stt_) {
    discard_next_final_ = true;
    finalize_stt();
  }
  held_finals_.clear();
  pending_partial_.clear();
}

void CallSession::commit_user_turn(std::string text, EosTrigger trigger) {
  const core::TimePoint now = clock_.now();
  if (reply_) {
    if (reply_->speech_begun || reply_->first_message) {
      interrupt_reply();
    } else {
      // Nothing was said yet: drop the pending answer and its user message; answer the new text.
      ++epoch_;
      if (reply_->llm) reply_->llm->cancel();
      if (reply_->remote) reply_->remote->cancel();
      for (auto& request : reply_->tool_requests) request->cancel();
      if (!messages_.empty() && messages_.back().role == Role::user) messages_.pop_back();
      reply_.reset();
    }
  }
  if (vad_ && vad_->speaking()) {
    stt_quiet_after_speech_ = true;
  } else {
    stt_quiet_ = true;
  }
  TurnStamps stamps = std::exchange(user_stamps_, {});
  if (!stamps.turn_start) stamps.turn_start = now;
  if (!stamps.stt_final) stamps.stt_final = now;
  stamps.turn_commit = now;
  ++turn_index_;
  set_state(UserState::listening, AgentState::thinking);
  CallEvent started;
  started.type = EventType::turn_started;
  started.text = text;
  emit(std::move(started));
  if (trigger != EosTrigger::vad_silence) {
    if (auto& fn = callbacks_.speech_edges.on_user_speech_eos) {
      const UserSpeechEos payload{monotonic_ms(), trigger, std::nullopt, text};
      run_user("on_user_speech_eos", [fn, payload] { fn(payload); });
    }
  }
  if (auto eou = compute_eou_metrics(stamps)) {
    CallEvent event;
    event.type = EventType::eou_metrics;
    event.eou = *eou;
    emit(std::move(event));
  }
  add_history("user", text);

  if (!agent_.hooks.after_transcribe) {
    start_reply(std::move(text), stamps);
    return;
  }
  const std::uint64_t epoch_at_commit = ++epoch_;
  auto hook = agent_.hooks.after_transcribe;
  auto context = hook_context();
  run_user("after_transcribe", [post = poster(), hook, context, text, stamps, epoch_at_commit] {
    std::optional<std::string> result = text;
    try {
      result = hook(text, context);
    } catch (const std::exception& error) {
      spdlog::warn("after_transcribe raised (text kept): {}", error.what());
    }
    post([result, stamps, epoch_at_commit, text](CallSession& session) {
      if (session.epoch_ != epoch_at_commit || session.reply_) return;
      if (!result) {
        // Vetoed: the turn is recorded as interrupted and nobody answers.
        Reply vetoed;
        vetoed.turn_index = session.turn_index_;
        vetoed.user_text = text;
        vetoed.stamps = stamps;
        session.record_turn(vetoed, interrupted_agent_text(""));
        session.set_state(std::nullopt, AgentState::listening);
        return;
      }
      session.start_reply(*result, stamps);
    });
  });
}

}  // namespace patter::session
