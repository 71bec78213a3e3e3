#include "realtime_harness.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "audio/mulaw.hpp"

namespace patter::testing {

namespace {

std::size_t bytes_until(core::TimePoint from, core::TimePoint to) {
  if (to <= from) return 0;
  return audio::kTelephonyMulaw.samples_in(to - from);
}

class ScriptedSession final : public EngineSession {
 public:
  explicit ScriptedSession(std::shared_ptr<EngineLog> log) : log_(std::move(log)) {}
  void push_audio(std::span<const std::uint8_t> audio) override { log_->audio_bytes += audio.size(); }
  void send_user_text(const std::string& text) override { log_->user_texts.push_back(text); }
  void send_tool_result(const std::string& call_id, const std::string& output) override {
    log_->tool_results.emplace_back(call_id, output);
  }
  void interrupt(std::chrono::milliseconds played) override { log_->interrupts.push_back(played); }
  void say(const std::string& text) override { log_->said.push_back(text); }
  void close() override { log_->closed = true; }

 private:
  std::shared_ptr<EngineLog> log_;
};

}  // namespace

// ---- LineRecorder

void LineRecorder::send_audio(std::span<const std::uint8_t> frame) {
  frames.push_back(Frame{clock_.now(), {frame.begin(), frame.end()}});
  sent_bytes_ += frame.size();
  playing_until_ = std::max(playing_until_, clock_.now()) + audio_format().duration_of(frame.size());
}

void LineRecorder::send_mark(std::string_view name) {
  mark_timers_.push_back(clock_.schedule_at(std::max(playing_until_, clock_.now()),
                                            [this, mark = std::string(name)] {
                                              if (auto session = session_.lock()) session->on_mark(mark);
                                            }));
}

void LineRecorder::clear_audio() {
  clears.push_back(clock_.now());
  cleared_bytes_ += bytes_until(clock_.now(), playing_until_);
  playing_until_ = clock_.now();
  mark_timers_.clear();
}

std::size_t LineRecorder::frames_after(core::TimePoint at) const {
  return static_cast<std::size_t>(
      std::count_if(frames.begin(), frames.end(), [at](const Frame& frame) { return frame.at > at; }));
}

std::size_t LineRecorder::played_bytes() const {
  return sent_bytes_ - cleared_bytes_ - bytes_until(clock_.now(), playing_until_);
}

// ---- ScriptedEngine

std::unique_ptr<EngineSession> ScriptedEngine::open(const StreamContext&, EngineSessionConfig config,
                                                    EngineEvents events) {
  ++log_->opened;
  if (log_->throw_on_open) throw std::runtime_error("no route to the engine");
  log_->config = std::move(config);
  log_->events = std::move(events);
  return std::make_unique<ScriptedSession>(log_);
}

std::vector<std::uint8_t> agent_audio(int ms) {
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(ms) * 8);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const double value = 0.3 * std::sin(2.0 * std::numbers::pi * 440.0 * static_cast<double>(i) / 8000.0);
    bytes[i] = audio::mulaw_encode(static_cast<std::int16_t>(value * 32767.0));
  }
  return bytes;
}

// ---- harness

RealtimeHarness::RealtimeHarness() : line(std::make_shared<LineRecorder>(clock)) {
  clock.advance(1s);  // keep time stamps clear of zero
  agent.system_prompt = "You are a test agent.";
  agent.engine = std::make_shared<ScriptedEngine>(log);
}

void RealtimeHarness::start() {
  session::SessionServices services;
  services.clock = &clock;
  services.executor = executor;
  services.user_lane = lane;
  services.tool_webhooks = tool_webhooks;
  session::CallSetup setup;
  setup.parties = CallParties{"CA0123", "+15550001111", "+15550002222"};
  setup.custom_params = custom_params;
  setup.telephony_provider = "twilio";
  auto user_end = callbacks.on_call_end;
  callbacks.on_call_end = [this, user_end](const CallEndEvent& event) {
    ends.push_back(event);
    if (user_end) user_end(event);
  };
  session = session::RealtimeSession::create(agent, callbacks, services, setup, line);
  line->attach(session);
  session->start();
  settle();
}

void RealtimeHarness::settle() {
  for (int rounds = 0; rounds < 1000; ++rounds) {
    if (executor->run_pending() + lane->run_pending() + clock.run_due() == 0) return;
  }
  throw std::runtime_error("settle: tasks keep posting more tasks");
}

void RealtimeHarness::advance(core::Duration duration) {
  const core::TimePoint end = clock.now() + duration;
  while (clock.now() < end) {
    clock.advance(std::min<core::Duration>(1ms, end - clock.now()));
    settle();
  }
}

}  // namespace patter::testing
