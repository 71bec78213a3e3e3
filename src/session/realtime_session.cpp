#include "session/realtime_session.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <stdexcept>

#include "core/error.hpp"
#include "session/call_variables.hpp"
#include "session/variables.hpp"

namespace patter::session {

std::shared_ptr<RealtimeSession> RealtimeSession::create(Agent agent, CallCallbacks callbacks,
                                                         SessionServices services, CallSetup setup,
                                                         std::shared_ptr<CarrierLink> carrier) {
  if (!services.clock || !services.executor || !services.user_lane || !carrier) {
    throw std::invalid_argument("RealtimeSession needs a clock, an executor, a user lane and a carrier");
  }
  if (!agent.engine) {
    throw core::Error(core::Errc::config_invalid, "a realtime call needs an engine (agent.engine)");
  }
  if (callbacks.on_message) {
    throw core::Error(core::Errc::config_invalid,
                      "on_message cannot answer a realtime call: the engine " + agent.engine->name() +
                          " answers; drop on_message or the engine");
  }
  if (carrier->name() == "text") {
    throw core::Error(core::Errc::config_invalid,
                      "the engine " + agent.engine->name() + " speaks audio; a text-only line cannot carry it");
  }
  if (agent.llm || agent.stt || agent.tts) {
    spdlog::warn("the agent has an engine ({}): its stt, llm and tts are not used", agent.engine->name());
  }
  return std::shared_ptr<RealtimeSession>(new RealtimeSession(
      std::move(agent), std::move(callbacks), std::move(services), std::move(setup), std::move(carrier)));
}

RealtimeSession::RealtimeSession(Agent agent, CallCallbacks callbacks, SessionServices services,
                                 CallSetup setup, std::shared_ptr<CarrierLink> carrier)
    : agent_(std::move(agent)),
      callbacks_(std::move(callbacks)),
      services_(std::move(services)),
      setup_(std::move(setup)),
      carrier_(std::move(carrier)),
      clock_(*services_.clock),
      events_(std::make_shared<CallEventBus>(services_.user_lane, services_.process_events)),
      cost_(services_.pricing, CallProviders{{}, {}, {}, setup_.telephony_provider}) {
  stream_context_.call_id = setup_.parties.call_id;
  stream_context_.language = agent_.language;
  stream_context_.executor = services_.executor;

  const Variables variables = call_variables(agent_.variables, setup_.custom_params);
  agent_.system_prompt = substitute_variables(agent_.system_prompt, variables);
  agent_.first_message = substitute_variables(agent_.first_message, variables);

  speech_ = std::make_unique<SpeechOutput>(
      clock_, *carrier_, services_.speech,
      SpeechOutput::Callbacks{[this](core::TimePoint at) { on_first_audio_sent(at); },
                              [this] { on_played_out(); }});
}

RealtimeSession::~RealtimeSession() = default;

void RealtimeSession::start() {
  if (started_ || ended_) return;
  started_ = true;
  started_at_ = clock_.now();
  set_state(UserState::listening, AgentState::idle);
  CallStartEvent start{setup_.parties, setup_.direction, setup_.custom_params, setup_.telephony_provider};
  if (services_.observer) services_.observer->call_started(start);
  if (auto& fn = callbacks_.on_call_start) run_user("on_call_start", [fn, start] { fn(start); });
  open_engine();
}

EngineSessionConfig RealtimeSession::engine_config() const {
  EngineSessionConfig config;
  config.instructions = agent_.system_prompt;
  config.first_message = agent_.first_message;
  config.voice = agent_.voice;
  config.language = agent_.language;
  for (const auto& tool : agent_.tools) {
    config.tools.push_back(ToolSchema{tool.name, tool.description, tool.parameters_json});
  }
  if (agent_.builtin_tools) {
    for (auto& schema : builtin_tool_schemas()) config.tools.push_back(std::move(schema));
  }
  config.carrier_format = carrier_->audio_format();
  return config;
}

EngineEvents RealtimeSession::engine_events() {
  const auto post = poster();
  EngineEvents events;
  events.on_ready = [post] {
    post([](RealtimeSession& session) { spdlog::debug("call {}: engine ready", session.call_id()); });
  };
  events.on_audio = [post](std::span<const std::uint8_t> audio) {
    post([audio = std::vector<std::uint8_t>(audio.begin(), audio.end())](RealtimeSession& session) mutable {
      session.on_engine_audio(std::move(audio));
    });
  };
  events.on_agent_transcript = [post](const std::string& text, bool final) {
    post([text, final](RealtimeSession& session) { session.on_agent_transcript(text, final); });
  };
  events.on_response_done = [post] { post([](RealtimeSession& session) { session.on_response_done(); }); };
  events.on_user_speech_started = [post] {
    post([](RealtimeSession& session) { session.on_user_speech_started(); });
  };
  events.on_user_speech_stopped = [post] {
    post([](RealtimeSession& session) { session.on_user_speech_stopped(); });
  };
  events.on_user_transcript = [post](const std::string& text) {
    post([text](RealtimeSession& session) { session.on_user_transcript(text); });
  };
  events.on_interrupted = [post] { post([](RealtimeSession& session) { session.on_engine_interrupted(); }); };
  events.on_tool_call = [post](const ToolCall& call) {
    post([call](RealtimeSession& session) { session.on_tool_call(call); });
  };
  events.on_usage = [post](const EngineUsage& usage) {
    post([usage](RealtimeSession& session) { session.on_usage(usage); });
  };
  events.on_error = [post](const std::string& message, bool fatal) {
    post([message, fatal](RealtimeSession& session) { session.on_engine_error(message, fatal); });
  };
  return events;
}

void RealtimeSession::open_engine() {
  greeting_pending_ = !agent_.first_message.empty();
  try {
    engine_ = agent_.engine->open(stream_context_, engine_config(), engine_events());
  } catch (const std::exception& error) {
    on_engine_error(std::string("cannot open the session: ") + error.what(), true);
  }
}

void RealtimeSession::on_engine_error(const std::string& message, bool fatal) {
  if (ended_) return;
  const std::string engine = agent_.engine->name();
  CallEvent event;
  event.type = EventType::engine_error;
  event.text = message;
  event.data = fatal ? R"({"fatal":true})" : R"({"fatal":false})";
  emit(std::move(event));
  if (!fatal) {
    spdlog::warn("call {}: {}: {}", call_id(), engine, message);
    return;
  }
  spdlog::error("call {}: {} failed; ending the call: {}", call_id(), engine, message);
  const std::string reason = "error: " + engine + ": " + message;
  add_history("system", "Call ended: " + reason);
  carrier_->hang_up();
  end(reason);
}

void RealtimeSession::end(std::string reason) {
  if (ended_) return;
  after_speech_ = AfterSpeech::none;
  follow_up_timer_.cancel();
  if (response_) {
    silence_response();
    complete_response(true);
  }
  ended_ = true;
  for (auto& request : tool_requests_) request->cancel();
  tool_requests_.clear();
  if (engine_) {
    engine_->close();
    engine_.reset();
  }
  const double duration = started_ ? core::elapsed_ms(started_at_, clock_.now()) / 1000.0 : 0.0;
  cost_.set_call_duration(duration);
  CallDescription description{setup_.parties.call_id, duration,      "realtime",
                              {},                     {},            agent_.engine->name(),
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

void RealtimeSession::on_caller_audio(std::span<const std::uint8_t> frame) {
  if (ended_ || !started_ || !engine_ || frame.empty()) return;
  engine_->push_audio(frame);
}

void RealtimeSession::on_mark(std::string_view name) {
  if (!ended_) speech_->on_mark(name);
}

void RealtimeSession::on_dtmf(char digit) {
  if (ended_) return;
  const std::string text = std::string("[DTMF: ") + digit + "]";
  add_history("user", text);
  if (engine_) engine_->send_user_text(text);
}

bool RealtimeSession::agent_audible() const {
  return response_ && response_->speech_begun && speech_->turn_active();
}

void RealtimeSession::add_history(std::string role, std::string text) {
  HistoryEntry entry{std::move(role), std::move(text), unix_now()};
  history_.push_back(entry);
  while (history_.size() > kMaxHistoryEntries) history_.pop_front();
  if (services_.observer) services_.observer->transcript_line(call_id(), entry);
  if (auto& fn = callbacks_.on_transcript) {
    TranscriptEvent event{entry.role, entry.text, call_id(), history()};
    run_user("on_transcript", [fn, event = std::move(event)] { fn(event); });
  }
}

void RealtimeSession::emit(CallEvent event) {
  event.call_id = call_id();
  event.timestamp_ms = monotonic_ms();
  if (event.turn == 0) event.turn = turn_index_;
  events_->emit(event);
}

void RealtimeSession::set_state(std::optional<UserState> user, std::optional<AgentState> agent) {
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

void RealtimeSession::run_user(std::string what, std::function<void()> job) {
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

void RealtimeSession::Poster::operator()(std::function<void(RealtimeSession&)> fn) const {
  executor->post([session = session, fn = std::move(fn)] {
    if (auto self = session.lock(); self && !self->ended_) fn(*self);
  });
}

double RealtimeSession::monotonic_ms() const {
  return core::elapsed_ms(core::TimePoint{}, clock_.now());
}

double RealtimeSession::unix_now() const {
  return std::chrono::duration<double>(clock_.wall_now().time_since_epoch()).count();
}

}  // namespace patter::session
