#pragma once

// A realtime call on a virtual clock with an in-process carrier and a scripted engine: the test
// fires the engine's events itself, in any order, and everything asynchronous waits in manual
// executors until settle().

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <patter/agent.hpp>
#include <patter/callbacks.hpp>
#include <patter/engine.hpp>

#include "core/manual_clock.hpp"
#include "core/manual_executor.hpp"
#include "session/realtime_session.hpp"

namespace patter::testing {

using namespace std::chrono_literals;

// Plays received frames back to back in real time, echoes each mark once the audio sent before
// it has played (as Twilio does); clear drops what has not played.
class LineRecorder final : public session::CarrierLink {
 public:
  struct Frame {
    core::TimePoint at;
    std::vector<std::uint8_t> bytes;
  };
  explicit LineRecorder(core::ManualClock& clock) : clock_(clock) {}

  std::string name() const override { return "twilio"; }
  audio::AudioFormat audio_format() const override { return audio::kTelephonyMulaw; }
  bool supports_marks() const override { return true; }
  void send_audio(std::span<const std::uint8_t> frame) override;
  void send_mark(std::string_view name) override;
  void clear_audio() override;
  void hang_up() override { ++hang_ups; }
  void transfer(std::string_view target) override { transfers.emplace_back(target); }
  void send_dtmf(std::string_view digits) override { dtmf.emplace_back(digits); }

  void attach(std::weak_ptr<session::RealtimeSession> session) { session_ = std::move(session); }
  [[nodiscard]] std::size_t frames_after(core::TimePoint at) const;
  // Bytes of agent audio the far end has played by now (cleared audio never plays).
  [[nodiscard]] std::size_t played_bytes() const;

  std::vector<Frame> frames;
  std::vector<core::TimePoint> clears;
  std::vector<std::string> transfers;
  std::vector<std::string> dtmf;
  int hang_ups = 0;

 private:
  core::ManualClock& clock_;
  std::weak_ptr<session::RealtimeSession> session_;
  core::TimePoint playing_until_{};
  std::size_t sent_bytes_ = 0;
  std::size_t cleared_bytes_ = 0;  // sent but dropped unplayed by a clear
  std::deque<core::Timer> mark_timers_;
};

// Records what the session asks of the engine; the test plays the engine's side through
// `events`.
struct EngineLog {
  std::optional<EngineSessionConfig> config;
  EngineEvents events;
  std::size_t audio_bytes = 0;
  std::vector<std::string> user_texts;
  std::vector<std::pair<std::string, std::string>> tool_results;  // call id, output
  std::vector<std::chrono::milliseconds> interrupts;
  std::vector<std::string> said;
  int opened = 0;
  bool closed = false;
  bool throw_on_open = false;
};

class ScriptedEngine final : public RealtimeEngine {
 public:
  explicit ScriptedEngine(std::shared_ptr<EngineLog> log) : log_(std::move(log)) {}
  std::string name() const override { return "openai_realtime"; }
  std::string model() const override { return "gpt-realtime"; }
  std::unique_ptr<EngineSession> open(const StreamContext& context, EngineSessionConfig config,
                                      EngineEvents events) override;

 private:
  std::shared_ptr<EngineLog> log_;
};

// μ-law bytes of a loud tone, `ms` long.
std::vector<std::uint8_t> agent_audio(int ms);

struct RealtimeHarness {
  RealtimeHarness();

  // Creates the call, starts it and settles.
  void start();
  // Runs every posted task (call executor and user lane) until none is left.
  void settle();
  // Moves time forward in 1 ms steps, settling at each.
  void advance(core::Duration duration);
  void run(const std::function<void()>& engine_event) {
    engine_event();
    settle();
  }
  // The engine's side, as its events.
  void audio(int ms) { run([&] { log->events.on_audio(agent_audio(ms)); }); }
  void transcript(const std::string& text, bool final = false) {
    run([&] { log->events.on_agent_transcript(text, final); });
  }
  void response_done() { run([&] { log->events.on_response_done(); }); }
  void speech_started() { run([&] { log->events.on_user_speech_started(); }); }
  void speech_stopped() { run([&] { log->events.on_user_speech_stopped(); }); }
  void user_said(const std::string& text) { run([&] { log->events.on_user_transcript(text); }); }
  void tool_call(const std::string& id, const std::string& name, const std::string& arguments) {
    run([&] { log->events.on_tool_call(ToolCall{id, name, arguments}); });
  }
  [[nodiscard]] core::TimePoint now() const { return clock.now(); }

  core::ManualClock clock;
  std::shared_ptr<core::ManualExecutor> executor = std::make_shared<core::ManualExecutor>();
  std::shared_ptr<core::ManualExecutor> lane = std::make_shared<core::ManualExecutor>();
  std::shared_ptr<LineRecorder> line;
  std::shared_ptr<EngineLog> log = std::make_shared<EngineLog>();
  std::shared_ptr<session::RealtimeSession> session;
  Agent agent;
  CallCallbacks callbacks;
  std::map<std::string, std::string> custom_params;
  std::shared_ptr<session::ToolWebhookClient> tool_webhooks;
  std::vector<CallEndEvent> ends;
};

}  // namespace patter::testing
