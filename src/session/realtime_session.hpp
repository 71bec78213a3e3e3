#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <patter/agent.hpp>
#include <patter/callbacks.hpp>
#include <patter/engine.hpp>

#include "core/clock.hpp"
#include "session/builtin_tools.hpp"
#include "session/call_events.hpp"
#include "session/call_session.hpp"
#include "session/carrier_link.hpp"
#include "session/cost.hpp"
#include "session/latency.hpp"
#include "session/line_call.hpp"
#include "session/metrics.hpp"
#include "session/remote_services.hpp"
#include "session/speech_output.hpp"

namespace patter::session {

// One call in realtime mode: a speech-to-speech engine (OpenAI Realtime, ElevenLabs ConvAI)
// hears the caller and answers, and this actor sits between it and the phone line. Caller audio
// goes to the engine as it comes; the engine's audio, which arrives in bursts faster than real
// time, is paced to the carrier (SpeechOutput), so the call always knows how much of the
// current response the caller has heard. Barge-in, tools, guardrails, transcripts, metrics and
// cost work as in pipeline mode, with the engine deciding turns.
//
// Like CallSession, every public method runs on the call's executor; the engine's events and
// user code post back and are checked against the epoch, which every interruption bumps, so
// nothing of an interrupted response reaches the caller afterwards.
class RealtimeSession : public LineCall, public std::enable_shared_from_this<RealtimeSession> {
 public:
  // Throws core::Error (config_invalid) when the agent has no engine, answers with on_message,
  // or the line carries no audio.
  static std::shared_ptr<RealtimeSession> create(Agent agent, CallCallbacks callbacks,
                                                 SessionServices services, CallSetup setup,
                                                 std::shared_ptr<CarrierLink> carrier);
  ~RealtimeSession() override;
  RealtimeSession(const RealtimeSession&) = delete;
  RealtimeSession& operator=(const RealtimeSession&) = delete;

  // Opens the engine session; the engine speaks the first message once it is ready.
  void start() override;
  void on_caller_audio(std::span<const std::uint8_t> frame) override;
  void on_mark(std::string_view name) override;
  // Recorded as "[DTMF: d]" and told to the engine as the caller's words.
  void on_dtmf(char digit) override;
  // Closes the engine session; a response being spoken is recorded as interrupted.
  void end(std::string reason) override;

  [[nodiscard]] bool ended() const override { return ended_; }
  [[nodiscard]] const std::string& call_id() const override { return setup_.parties.call_id; }
  [[nodiscard]] ConversationState state() const { return state_; }
  [[nodiscard]] int turn_index() const { return turn_index_; }
  [[nodiscard]] std::uint64_t epoch() const { return epoch_; }
  [[nodiscard]] std::vector<HistoryEntry> history() const { return {history_.begin(), history_.end()}; }
  [[nodiscard]] const CallMetricsRecorder& metrics() const { return recorder_; }
  [[nodiscard]] CostBreakdown cost() const { return cost_.breakdown(); }
  [[nodiscard]] EventBus& events() { return *events_; }
  // Agent audio of the current response is playing or queued.
  [[nodiscard]] bool agent_audible() const;

 private:
  RealtimeSession(Agent agent, CallCallbacks callbacks, SessionServices services, CallSetup setup,
                  std::shared_ptr<CarrierLink> carrier);

  using AfterSpeech = BuiltinToolOutcome::Action;
  // The agent's answer to one user turn, from its first sign (audio, text or a tool call) until
  // the caller has heard it all or it was cut off. Tool calls and the engine's follow-up
  // response belong to the same answer.
  struct Response {
    std::uint64_t id = 0;
    std::uint64_t epoch = 0;
    int turn_index = 0;
    bool first_message = false;
    std::string user_text;
    TurnStamps stamps;
    std::string transcript;  // the agent's words as streamed
    std::optional<std::string> final_transcript;
    bool speech_begun = false;  // a SpeechOutput turn holds its audio
    std::size_t received_samples = 0;             // audio the engine sent of it
    std::optional<std::size_t> heard_samples;     // how much the caller heard, once cut off
    bool engine_done = false;   // the engine said no more audio of it follows
    std::size_t tool_calls = 0;
    bool blocked = false;  // a guardrail replaced it
    bool first_token_reported = false;
    bool audio_out_reported = false;
  };
  // After a built-in tool the engine answers the tool's result in a new response; the
  // transfer or hang-up waits for that answer to be spoken.
  enum class FollowUp : std::uint8_t { none, awaiting_calling_response_end, awaiting_response };

  // ---- lifecycle and reporting (realtime_session.cpp)
  void open_engine();
  [[nodiscard]] EngineEvents engine_events();
  [[nodiscard]] EngineSessionConfig engine_config() const;
  void on_engine_error(const std::string& message, bool fatal);
  void add_history(std::string role, std::string text);
  void emit(CallEvent event);
  void set_state(std::optional<UserState> user, std::optional<AgentState> agent);
  void run_user(std::string what, std::function<void()> job);
  struct Poster {
    std::shared_ptr<Executor> executor;
    std::weak_ptr<RealtimeSession> session;
    void operator()(std::function<void(RealtimeSession&)> fn) const;
  };
  [[nodiscard]] Poster poster() { return Poster{services_.executor, weak_from_this()}; }
  [[nodiscard]] double monotonic_ms() const;
  [[nodiscard]] double unix_now() const;

  // ---- the caller (realtime_session_listen.cpp)
  void on_user_speech_started();
  void on_user_speech_stopped();
  void on_user_transcript(const std::string& text);
  void on_usage(const EngineUsage& usage);
  void barge_in();
  void on_engine_interrupted();

  // ---- the agent's voice (realtime_session_speech.cpp)
  Response& ensure_response();
  void on_engine_audio(std::vector<std::uint8_t> audio);
  void on_agent_transcript(const std::string& text, bool final);
  void on_response_done();
  void on_played_out();
  void on_first_audio_sent(core::TimePoint at);
  void report_first_output(Response& response);
  // Stops the current response's audio at once (carrier clear), notes how much the caller heard,
  // and drops what the engine still sends of it; true when the engine was still producing it.
  bool silence_response();
  void complete_response(bool interrupted);
  [[nodiscard]] std::string heard_text() const;
  void record_turn(const Response& response, std::string agent_text);
  void check_guardrails();
  void on_guardrail_verdict(std::uint64_t response_id, std::size_t checked_length,
                            std::optional<std::string> replacement);

  // ---- tools (realtime_session_tools.cpp)
  void on_tool_call(const ToolCall& call);
  void send_tool_result(std::uint64_t epoch, const std::string& call_id, const std::string& result);
  void note_response_done_for_follow_up(bool had_tool_calls);
  void note_response_opened_for_follow_up();
  void maybe_act_after_speech();

  Agent agent_;
  CallCallbacks callbacks_;
  SessionServices services_;
  CallSetup setup_;
  std::shared_ptr<CarrierLink> carrier_;
  core::Clock& clock_;
  StreamContext stream_context_;
  std::shared_ptr<CallEventBus> events_;

  bool started_ = false;
  bool ended_ = false;
  core::TimePoint started_at_{};
  ConversationState state_;
  int turn_index_ = 0;
  std::uint64_t epoch_ = 0;
  std::deque<HistoryEntry> history_;

  std::unique_ptr<EngineSession> engine_;
  bool greeting_pending_ = false;  // the engine has yet to speak the first message

  // the caller
  TurnStamps user_stamps_;  // the utterance being heard, until a response takes it
  std::string user_text_;   // its transcript, if it came before the response
  std::optional<core::TimePoint> speech_started_at_;

  // the agent
  std::unique_ptr<SpeechOutput> speech_;
  std::optional<Response> response_;
  std::uint64_t next_response_id_ = 1;
  // A response that only called tools hands its turn to the response answering them.
  std::optional<Response> carried_;
  // Audio and text of an interrupted or blocked response the engine still streams are dropped
  // until its end (on_response_done).
  bool discarding_ = false;
  std::string guardrail_text_;  // response transcript last sent for checking
  bool guardrail_check_running_ = false;

  // tools
  std::vector<std::unique_ptr<Cancellable>> tool_requests_;
  AfterSpeech after_speech_ = AfterSpeech::none;
  std::string after_speech_argument_;
  FollowUp follow_up_ = FollowUp::none;
  core::Timer follow_up_timer_;

  CallMetricsRecorder recorder_;
  CallCostAccumulator cost_;
};

}  // namespace patter::session
