#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <patter/agent.hpp>
#include <patter/callbacks.hpp>

#include "audio/format_converter.hpp"
#include "core/clock.hpp"
#include "session/call_events.hpp"
#include "session/builtin_tools.hpp"
#include "session/carrier_link.hpp"
#include "session/cost.hpp"
#include "session/latency.hpp"
#include "session/line_call.hpp"
#include "session/metrics.hpp"
#include "session/remote_services.hpp"
#include "session/sentence_chunker.hpp"
#include "session/speech_output.hpp"
#include "turn/silero_model.hpp"
#include "turn/vad_factory.hpp"
#include "turn/turn_commit_filter.hpp"
#include "turn/vad_detector.hpp"

namespace patter::session {

// Hears about a call's record-worthy moments on the call's executor (the dashboard's store).
// Implementations must not block.
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  virtual void call_started(const CallStartEvent& event) = 0;
  virtual void transcript_line(const std::string& call_id, const HistoryEntry& entry) = 0;
  virtual void turn_completed(const std::string& call_id, const TurnMetrics& turn) = 0;
  virtual void call_ended(const CallEndEvent& event) = 0;
};

// Everything a call uses that outlives it.
struct SessionServices {
  core::Clock* clock = nullptr;          // the call's clock, used on `executor` only
  std::shared_ptr<Executor> executor;    // where the call runs
  std::shared_ptr<Executor> user_lane;   // where the call's user code runs, in order
  std::shared_ptr<const turn::SileroModel> vad_model;  // null: energy VAD
  std::shared_ptr<ToolWebhookClient> tool_webhooks;
  std::shared_ptr<RemoteBrainClient> remote_brain;
  std::shared_ptr<CallEventBus> process_events;
  std::shared_ptr<CallObserver> observer;
  PricingTable pricing = PricingTable::defaults();
  SpeechOutputOptions speech;
};

struct CallSetup {
  CallParties parties;
  std::string direction = "inbound";
  std::map<std::string, std::string> custom_params;
  std::string telephony_provider;  // pricing key and metrics label: "twilio", "telnyx", "text"
};

// One call in pipeline mode: an actor on its executor. Every public method must be called on
// that executor; everything that happens elsewhere (providers, user code) is posted back and
// checked against the reply epoch, so late results of an interrupted reply are dropped.
class CallSession : public LineCall, public std::enable_shared_from_this<CallSession> {
 public:
  // Throws core::Error (config_invalid) when the agent cannot run: no brain (neither an LLM nor
  // on_message), or audio without both STT and TTS.
  static std::shared_ptr<CallSession> create(Agent agent, CallCallbacks callbacks,
                                             SessionServices services, CallSetup setup,
                                             std::shared_ptr<CarrierLink> carrier);
  ~CallSession() override;
  CallSession(const CallSession&) = delete;
  CallSession& operator=(const CallSession&) = delete;

  // Opens speech-to-text and speaks the first message at once, in parallel.
  void start() override;
  // The caller's side of the line, as the carrier delivers it.
  void on_caller_audio(std::span<const std::uint8_t> frame) override;
  void on_mark(std::string_view name) override;
  void on_dtmf(char digit) override;
  // A committed user turn given as text (text-only lines and tests).
  void submit_user_text(std::string text);
  // Ends the call (the caller hung up, the line failed, or the agent ended it): the reply in
  // progress is closed as interrupted, metrics are finalised and on_call_end fires once.
  void end(std::string reason) override;

  [[nodiscard]] bool ended() const override { return ended_; }
  [[nodiscard]] const std::string& call_id() const override { return setup_.parties.call_id; }
  [[nodiscard]] ConversationState state() const { return state_; }
  [[nodiscard]] int turn_index() const { return turn_index_; }
  [[nodiscard]] std::uint64_t epoch() const { return epoch_; }
  [[nodiscard]] std::vector<HistoryEntry> history() const { return {history_.begin(), history_.end()}; }
  [[nodiscard]] const std::vector<ChatMessage>& messages() const { return messages_; }
  [[nodiscard]] const CallMetricsRecorder& metrics() const { return recorder_; }
  [[nodiscard]] CostBreakdown cost() const { return cost_.breakdown(); }
  [[nodiscard]] EventBus& events() { return *events_; }
  [[nodiscard]] std::shared_ptr<CallControl> control();
  [[nodiscard]] bool agent_audible() const;

 private:
  CallSession(Agent agent, CallCallbacks callbacks, SessionServices services, CallSetup setup,
              std::shared_ptr<CarrierLink> carrier);

  enum class BargeState : std::uint8_t { idle, pending };
  struct SpokenSentence {
    std::string text;
    std::size_t start_sample = 0;  // turn-relative carrier samples
    std::size_t end_sample = 0;
  };
  using AfterSpeech = BuiltinToolOutcome::Action;
  struct Reply {
    std::uint64_t epoch = 0;
    int turn_index = 0;
    bool first_message = false;
    bool resumed = false;  // re-speaking what a false interruption cut off
    std::string user_text;
    TurnStamps stamps;
    // brain
    std::vector<ChatMessage> working;  // messages of this turn's LLM requests
    std::unique_ptr<LlmStream> llm;
    std::unique_ptr<Cancellable> remote;
    std::string iteration_text;
    std::vector<ToolCall> tool_calls;
    std::size_t tool_iterations = 0;
    std::size_t tools_outstanding = 0;
    std::vector<std::string> tool_results;
    std::vector<std::unique_ptr<Cancellable>> tool_requests;
    std::size_t prompt_characters = 0;
    std::size_t completion_characters = 0;
    bool usage_reported = false;
    bool brain_done = false;
    std::string buffered_reply;  // after_llm.on_response holds the whole reply
    SentenceChunker chunker;
    // speech
    std::size_t sentences_in_hooks = 0;
    std::deque<std::string> ready_sentences;
    std::unique_ptr<TtsStream> tts;
    bool tts_busy = false;
    std::optional<SpokenSentence> current;
    std::vector<SpokenSentence> spoken;
    std::size_t tts_characters = 0;
    bool speech_begun = false;
    bool finishing = false;
    bool audio_out_reported = false;
    bool llm_token_reported = false;
    AfterSpeech after_speech = AfterSpeech::none;
    std::string after_speech_argument;
  };

  // ---- lifecycle and reporting (call_session.cpp)
  HookContext hook_context() const;
  void add_history(std::string role, std::string text);
  void emit(CallEvent event);
  void set_state(std::optional<UserState> user, std::optional<AgentState> agent);
  // Runs user code on the user lane; an exception is logged as `what` and swallowed.
  void run_user(std::string what, std::function<void()> job);
  // Posts work to the call's executor from any thread, to run only if the call still exists and
  // has not ended. The session is looked up there, so no other thread ever holds (or destroys) it.
  struct Poster {
    std::shared_ptr<Executor> executor;
    std::weak_ptr<CallSession> session;
    void operator()(std::function<void(CallSession&)> fn) const;
  };
  [[nodiscard]] Poster poster() { return Poster{services_.executor, weak_from_this()}; }
  void post_to_call(std::function<void(CallSession&)> fn) { poster()(std::move(fn)); }
  double monotonic_ms() const;
  double unix_now() const;

  // ---- listening (call_session_listen.cpp)
  void open_stt();
  void feed_stt(std::span<const std::uint8_t> bytes);
  void send_stt_batch();
  void finalize_stt();
  void remember_withheld(std::span<const std::uint8_t> bytes);
  void replay_withheld();
  bool stt_should_hear() const;
  void on_vad_event(const turn::VadEvent& event);
  [[nodiscard]] core::TimePoint vad_onset(const turn::VadEvent& event) const;
  void reset_vad();
  void on_transcript(const Transcript& transcript);
  void on_final(const std::string& text);
  void settle_suppressed_speech();
  void begin_pending_barge_in();
  void evaluate_barge_in(const std::string& transcript, bool is_final);
  void confirm_barge_in();
  void drop_pending_barge_in();
  void commit_user_turn(std::string text, EosTrigger trigger);

  // ---- replying (call_session_reply.cpp)
  void start_reply(std::string user_text, TurnStamps stamps);
  void start_first_message();
  void run_brain();
  void request_llm();
  [[nodiscard]] std::vector<ToolSchema> tool_schemas() const;
  void on_brain_text(std::uint64_t epoch, std::string_view delta);
  void on_brain_done(std::uint64_t epoch);
  void on_brain_error(std::uint64_t epoch, const std::string& message);
  void on_llm_done(std::uint64_t epoch, FinishReason reason);
  void run_tools();
  void on_tool_result(std::uint64_t epoch, std::size_t index, std::string result);
  void take_sentences(std::vector<std::string> sentences);
  void sentence_ready(std::uint64_t epoch, std::optional<std::string> sentence);
  void speak_next_sentence();
  void on_tts_audio(std::uint64_t epoch, std::vector<std::uint8_t> audio);
  void on_tts_done(std::uint64_t epoch);
  void maybe_finish_reply();
  void on_reply_played_out();
  void complete_reply(bool interrupted);
  void interrupt_reply();
  std::string played_text() const;
  std::string unplayed_text() const;
  void after_speech_action(AfterSpeech action, const std::string& argument);
  void record_turn(const Reply& reply, std::string agent_text);

  Agent agent_;
  CallCallbacks callbacks_;
  SessionServices services_;
  CallSetup setup_;
  std::shared_ptr<CarrierLink> carrier_;
  core::Clock& clock_;
  StreamContext stream_context_;
  std::shared_ptr<CallEventBus> events_;
  std::shared_ptr<CallControl> control_;

  bool started_ = false;
  bool ended_ = false;
  core::TimePoint started_at_{};
  ConversationState state_;
  int turn_index_ = 0;
  std::uint64_t epoch_ = 0;
  std::deque<HistoryEntry> history_;
  std::vector<ChatMessage> messages_;

  // listening
  std::unique_ptr<SttStream> stt_;
  std::optional<audio::FormatConverter> to_stt_;
  std::optional<audio::FormatConverter> to_vad_;
  std::unique_ptr<turn::VadDetector> vad_;
  std::size_t vad_audio_samples_ = 0;  // pushed since the last reset
  std::deque<std::uint8_t> withheld_;  // recent caller audio kept from STT (STT format)
  std::size_t withheld_capacity_ = 0;
  // Caller audio held for speech-to-text while nothing waits on it (see feed_stt).
  std::vector<std::uint8_t> stt_batch_;
  std::size_t stt_batch_capacity_ = 0;
  bool stt_quiet_ = true;  // no speech since the last committed turn: latency does not count
  bool stt_quiet_after_speech_ = false;  // committed while the VAD still heard the speech
  turn::TurnCommitFilter commit_filter_;
  TurnStamps user_stamps_;  // the user turn being heard
  std::optional<core::TimePoint> speech_started_at_;
  BargeState barge_state_ = BargeState::idle;
  bool suppressed_speech_ = false;
  bool discard_next_final_ = false;
  std::vector<std::string> held_finals_;
  std::string pending_partial_;
  std::optional<core::TimePoint> barge_speech_start_;
  core::Timer confirm_timer_;
  core::Timer resume_timer_;
  std::string resumable_text_;

  // replying
  std::optional<Reply> reply_;
  std::unique_ptr<SpeechOutput> speech_;
  bool sentence_hooks_ = false;

  CallMetricsRecorder recorder_;
  double stt_seconds_at_last_turn_ = 0.0;
  CallCostAccumulator cost_;
};

}  // namespace patter::session
