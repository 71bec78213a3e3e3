#include "session/call_session.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <exception>
#include <stdexcept>

#include "core/error.hpp"
#include "core/phone_number.hpp"
#include "session/variables.hpp"

namespace patter::session {

namespace {

constexpr std::size_t kMaxCustomParamLength = 500;

// Custom parameters come from the carrier, so from whoever placed the call: keep them printable
// and short before they reach a prompt.
std::string sanitize_custom_param(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out.push_back(c);
    if (out.size() == kMaxCustomParamLength) break;
  }
  return out;
}

class SessionControl final : public CallControl {
 public:
  SessionControl(std::weak_ptr<CallSession> session, std::shared_ptr<Executor> executor)
      : session_(std::move(session)), executor_(std::move(executor)) {}

  void transfer(std::string target) override {
    if (!core::is_transfer_target(target)) {
      throw std::invalid_argument("transfer target must be E.164 or a sip:/sips: URI");
    }
    post([target = std::move(target)](CallSession& session, CarrierLink& carrier) {
      carrier.transfer(target);
      session.end("transferred to " + target);
    });
  }
  void hang_up() override {
    post([](CallSession& session, CarrierLink& carrier) {
      carrier.hang_up();
      session.end("agent hung up");
    });
  }
  void send_dtmf(std::string digits) override {
    post([digits = std::move(digits)](CallSession&, CarrierLink& carrier) {
      try {
        carrier.send_dtmf(digits);
      } catch (const std::exception& error) {
        spdlog::warn("send_dtmf: {}", error.what());
      }
    });
  }
  [[nodiscard]] bool ended() const override { return ended_.load(); }

  void mark_ended() { ended_ = true; }
  void bind_carrier(std::weak_ptr<CarrierLink> carrier) { carrier_ = std::move(carrier); }

 private:
  void post(std::function<void(CallSession&, CarrierLink&)> action) {
    if (ended_) return;
    executor_->post([session = session_, carrier = carrier_, action = std::move(action)] {
      auto live = session.lock();
      auto line = carrier.lock();
      if (live && line && !live->ended()) action(*live, *line);
    });
  }

  std::weak_ptr<CallSession> session_;
  std::weak_ptr<CarrierLink> carrier_;
  std::shared_ptr<Executor> executor_;
  std::atomic<bool> ended_{false};
};

}  // namespace

std::shared_ptr<CallSession> CallSession::create(Agent agent, CallCallbacks callbacks,
                                                 SessionServices services, CallSetup setup,
                                                 std::shared_ptr<CarrierLink> carrier) {
  if (!services.clock || !services.executor || !services.user_lane || !carrier) {
    throw std::invalid_argument("CallSession needs a clock, an executor, a user lane and a carrier");
  }
  if (!agent.llm && !callbacks.on_message) {
    throw core::Error(core::Errc::config_invalid,
                      "the agent has no brain: give it an llm or an on_message handler");
  }
  if (agent.llm && callbacks.on_message) {
    throw core::Error(core::Errc::config_invalid,
                      "the agent has both an llm and on_message; keep one of them");
  }
  const bool text_line = carrier->name() == "text";
  if (!text_line && (!agent.stt || !agent.tts)) {
    throw core::Error(core::Errc::config_invalid,
                      "a phone call needs both speech-to-text (stt) and text-to-speech (tts)");
  }
  auto session = std::shared_ptr<CallSession>(new CallSession(
      std::move(agent), std::move(callbacks), std::move(services), std::move(setup), std::move(carrier)));
  auto control = std::make_shared<SessionControl>(session, session->services_.executor);
  control->bind_carrier(session->carrier_);
  session->control_ = std::move(control);
  return session;
}

CallSession::CallSession(Agent agent, CallCallbacks callbacks, SessionServices services,
                         CallSetup setup, std::shared_ptr<CarrierLink> carrier)
    : agent_(std::move(agent)),
      callbacks_(std::move(callbacks)),
      services_(std::move(services)),
      setup_(std::move(setup)),
      carrier_(std::move(carrier)),
      clock_(*services_.clock),
      events_(std::make_shared<CallEventBus>(services_.user_lane, services_.process_events)),
      commit_filter_(agent_.turn_commit),
      cost_(services_.pricing,
            CallProviders{agent_.stt ? agent_.stt->name() : std::string{},
                          agent_.stt ? agent_.stt->model() : std::string{},
                          agent_.tts ? agent_.tts->name() : std::string{}, setup_.telephony_provider}) {
  stream_context_.call_id = setup_.parties.call_id;
  stream_context_.language = agent_.language;
  stream_context_.executor = services_.executor;

  Variables variables(agent_.variables.begin(), agent_.variables.end());
  for (const auto& [key, value] : setup_.custom_params) variables[key] = sanitize_custom_param(value);
  agent_.system_prompt = substitute_variables(agent_.system_prompt, variables);
  agent_.first_message = substitute_variables(agent_.first_message, variables);
  if (!agent_.system_prompt.empty()) {
    messages_.push_back(ChatMessage{Role::system, agent_.system_prompt, {}, {}, {}});
  }

  sentence_hooks_ = !agent_.guardrails.empty() || !agent_.text_transforms.empty() ||
                    agent_.hooks.after_llm.on_sentence || agent_.hooks.before_synthesize;

  if (carrier_->name() != "text") {
    speech_ = std::make_unique<SpeechOutput>(
        clock_, *carrier_, services_.speech,
        SpeechOutput::Callbacks{[this](core::TimePoint at) {
                                  if (!reply_) return;
                                  reset_vad();
                                  set_state(std::nullopt, AgentState::speaking);
                                  const AgentSpeechStarted payload{
                                      core::elapsed_ms(core::TimePoint{}, at), reply_->turn_index,
                                      agent_.tts ? std::optional(agent_.tts->name()) : std::nullopt,
                                      std::nullopt};
                                  if (auto& fn = callbacks_.speech_edges.on_agent_speech_started) {
                                    run_user("on_agent_speech_started", [fn, payload] { fn(payload); });
                                  }
                                },
                                [this] { on_reply_played_out(); }});
    const auto carrier_format = carrier_->audio_format();
    if (agent_.vad.enabled) {
      const int vad_rate = carrier_format.sample_rate <= 8000 ? 8000 : 16000;
      to_vad_.emplace(carrier_format, AudioFormat{Encoding::pcm16_le, vad_rate});
      turn::VadOptions options;
      options.activation_threshold = static_cast<float>(agent_.vad.activation_threshold);
      options.deactivation_threshold = static_cast<float>(agent_.vad.deactivation_threshold);
      options.min_speech_ms = static_cast<int>(agent_.vad.min_speech.count());
      options.min_silence_ms = static_cast<int>(agent_.vad.min_silence.count());
      vad_ = turn::make_vad_detector(services_.vad_model, vad_rate, options);
    }
    const auto stt_format = agent_.stt->input_format();
    to_stt_.emplace(carrier_format, stt_format);
    withheld_capacity_ = stt_format.bytes_in(std::chrono::milliseconds{1000});
    stt_batch_capacity_ = stt_format.bytes_in(std::chrono::milliseconds{100});
    stt_batch_.reserve(stt_batch_capacity_);
  }
}

CallSession::~CallSession() = default;

std::shared_ptr<CallControl> CallSession::control() { return control_; }

void CallSession::start() {
  if (started_ || ended_) return;
  started_ = true;
  started_at_ = clock_.now();
  set_state(UserState::listening, AgentState::idle);
  CallStartEvent start{setup_.parties, setup_.direction, setup_.custom_params, setup_.telephony_provider};
  if (services_.observer) services_.observer->call_started(start);
  if (auto& fn = callbacks_.on_call_start) run_user("on_call_start", [fn, start] { fn(start); });
  if (agent_.prewarm) {
    if (agent_.llm) agent_.llm->warmup(stream_context_);
    if (agent_.tts) agent_.tts->warmup(stream_context_);
  }
  // The greeting starts before speech-to-text is connected: the caller hears it sooner.
  if (!agent_.first_message.empty()) start_first_message();
  open_stt();
}

void CallSession::end(std::string reason) {
  if (ended_) return;
  if (reply_) {
    interrupt_reply();
  }
  ended_ = true;
  static_cast<SessionControl&>(*control_).mark_ended();
  confirm_timer_.cancel();
  resume_timer_.cancel();
  if (stt_) {
    send_stt_batch();
    stt_->close();
    stt_.reset();
  }
  const double duration = core::elapsed_ms(started_at_, clock_.now()) / 1000.0;
  cost_.set_call_duration(started_ ? duration : 0.0);
  CallDescription description{setup_.parties.call_id,
                              started_ ? duration : 0.0,
                              "pipeline",
                              agent_.stt ? agent_.stt->name() : std::string{},
                              agent_.tts ? agent_.tts->name() : std::string{},
                              agent_.llm ? agent_.llm->name() : std::string("on_message"),
                              setup_.telephony_provider};
  CallMetrics metrics = recorder_.summarize(std::move(description), cost_.breakdown());
  CallEndEvent event{setup_.parties, unix_now(), history(), metrics, reason};
  if (services_.observer) services_.observer->call_ended(event);
  CallEvent bus_event;
  bus_event.type = EventType::call_ended;
  bus_event.call_metrics = metrics;
  emit(std::move(bus_event));
  if (auto& fn = callbacks_.on_call_end) run_user("on_call_end", [fn, event] { fn(event); });
}

void CallSession::on_mark(std::string_view name) {
  if (speech_ && !ended_) speech_->on_mark(name);
}

void CallSession::on_dtmf(char digit) {
  if (ended_) return;
  add_history("user", std::string("[DTMF: ") + digit + "]");
}

void CallSession::submit_user_text(std::string text) {
  if (ended_) return;
  commit_user_turn(std::move(text), EosTrigger::manual_commit);
}

bool CallSession::agent_audible() const {
  return speech_ && reply_ && speech_->turn_active() && speech_->audio_started();
}

HookContext CallSession::hook_context() const { return HookContext{setup_.parties, history()}; }

void CallSession::add_history(std::string role, std::string text) {
  HistoryEntry entry{std::move(role), std::move(text), unix_now()};
  history_.push_back(entry);
  while (history_.size() > kMaxHistoryEntries) history_.pop_front();
  if (services_.observer) services_.observer->transcript_line(call_id(), entry);
  if (auto& fn = callbacks_.on_transcript) {
    TranscriptEvent event{entry.role, entry.text, call_id(), history()};
    run_user("on_transcript", [fn, event = std::move(event)] { fn(event); });
  }
}

void CallSession::emit(CallEvent event) {
  event.call_id = call_id();
  event.timestamp_ms = monotonic_ms();
  if (event.turn == 0) event.turn = turn_index_;
  events_->emit(event);
}

void CallSession::set_state(std::optional<UserState> user, std::optional<AgentState> agent) {
  ConversationState next = state_;
  if (user) next.user = *user;
  if (agent) next.agent = *agent;
  if (next == state_) return;
  state_ = next;
  CallEvent event;
  event.type = EventType::conversation_state_changed;
  event.state = next;
  emit(std::move(event));
}

void CallSession::run_user(std::string what, std::function<void()> job) {
  services_.user_lane->post([what = std::move(what), job = std::move(job)] {
    try {
      job();
    } catch (const std::exception& error) {
      spdlog::warn("{} raised: {}", what, error.what());
    } catch (...) {
      spdlog::warn("{} raised a non-standard exception", what);
    }
  });
}

void CallSession::Poster::operator()(std::function<void(CallSession&)> fn) const {
  executor->post([session = session, fn = std::move(fn)] {
    if (auto self = session.lock(); self && !self->ended_) fn(*self);
  });
}

double CallSession::monotonic_ms() const { return core::elapsed_ms(core::TimePoint{}, clock_.now()); }

double CallSession::unix_now() const {
  return std::chrono::duration<double>(clock_.wall_now().time_since_epoch()).count();
}

}  // namespace patter::session
