#pragma once

// What a call reports while it runs: the callbacks' payloads, the per-call event bus and the
// speech-edge events. Callbacks run on a worker thread, in the order things happened on the call;
// an exception in one is logged and changes nothing on the call.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <patter/conversation.hpp>
#include <patter/metrics.hpp>

namespace patter {

struct CallStartEvent {
  CallParties call;
  std::string direction = "inbound";  // or "outbound"
  std::map<std::string, std::string> custom_params;
  std::string telephony_provider;
};

struct CallEndEvent {
  CallParties call;
  double ended_at = 0.0;  // unix seconds
  std::vector<HistoryEntry> transcript;
  std::optional<CallMetrics> metrics;
  std::string reason;  // "caller_hung_up", "agent_ended", "transferred", "error: ..."
};

struct TranscriptEvent {
  std::string role;  // "user", "assistant" or "system"
  std::string text;
  std::string call_id;
  std::vector<HistoryEntry> history;
};

struct MetricsEvent {
  std::string call_id;
  TurnMetrics turn;
  CostBreakdown cost_so_far;
  std::optional<double> llm_ttft_ms;
};

// ---- speech edges and conversation state ----

enum class EosTrigger : std::uint8_t { vad_silence, semantic_turn_detector, manual_commit };
std::string_view to_string(EosTrigger trigger);

struct UserSpeechStarted {
  double timestamp_ms = 0.0;  // monotonic, call's clock
  std::optional<double> vad_confidence;
  std::optional<double> audio_offset_ms;
};
struct UserSpeechEnded {
  double timestamp_ms = 0.0;
  std::optional<double> vad_confidence;
  std::optional<double> audio_offset_ms;
  double speech_duration_ms = 0.0;
};
struct UserSpeechEos {
  double timestamp_ms = 0.0;
  EosTrigger trigger = EosTrigger::vad_silence;
  std::optional<double> trailing_silence_ms;
  std::optional<std::string> transcript_so_far;
};
struct AgentSpeechStarted {  // the first audio of a turn is on the wire
  double timestamp_ms = 0.0;
  int turn_idx = 0;
  std::optional<std::string> tts_provider;
  std::optional<std::string> engine;
};
struct AgentSpeechEnded {
  double timestamp_ms = 0.0;
  int turn_idx = 0;
  double speech_duration_ms = 0.0;
  bool interrupted = false;
};
struct LlmFirstToken {  // once per turn
  double timestamp_ms = 0.0;
  int turn_idx = 0;
  std::string llm_provider;
  std::string model;
};
struct AudioOut {  // first synthesised bytes of a turn
  double timestamp_ms = 0.0;
  int turn_idx = 0;
  std::string tts_provider;
};

struct SpeechEdgeCallbacks {
  std::function<void(const UserSpeechStarted&)> on_user_speech_started;
  std::function<void(const UserSpeechEnded&)> on_user_speech_ended;
  std::function<void(const UserSpeechEos&)> on_user_speech_eos;
  std::function<void(const AgentSpeechStarted&)> on_agent_speech_started;
  std::function<void(const AgentSpeechEnded&)> on_agent_speech_ended;
  std::function<void(const LlmFirstToken&)> on_llm_token;
  std::function<void(const AudioOut&)> on_audio_out;
};

enum class UserState : std::uint8_t { listening, speaking, thinking, away };
enum class AgentState : std::uint8_t { initializing, idle, listening, thinking, speaking };
std::string_view to_string(UserState state);
std::string_view to_string(AgentState state);

struct ConversationState {
  UserState user = UserState::listening;
  AgentState agent = AgentState::initializing;
  bool operator==(const ConversationState&) const = default;
};

// ---- the per-call event bus ----

enum class EventType : std::uint8_t {
  turn_started,
  turn_ended,
  metrics_collected,
  call_ended,
  eou_metrics,
  interruption,
  llm_metrics,
  tts_metrics,
  stt_metrics,
  transcript_partial,
  transcript_final,
  llm_chunk,
  tts_chunk,
  tool_call_started,
  conversation_state_changed,
  engine_error,  // a speech-to-speech engine's problem: text the message, data {"fatal":bool}
};
std::string_view to_string(EventType type);

// One event. Only the fields that belong to its type are set; `data` holds its payload as JSON
// text (the same objects the reference SDK emits), for observers that forward events elsewhere.
struct CallEvent {
  EventType type = EventType::turn_started;
  std::string call_id;
  int turn = 0;
  double timestamp_ms = 0.0;
  std::string text;                 // transcripts, llm_chunk, tool_call_started (name)
  bool is_final = false;            // transcripts
  double confidence = 0.0;          // transcripts
  std::size_t bytes = 0;            // tts_chunk
  std::optional<TurnMetrics> turn_metrics;  // turn_ended, metrics_collected
  std::optional<CallMetrics> call_metrics;  // call_ended
  std::optional<EouMetrics> eou;            // eou_metrics
  std::optional<ConversationState> state;  // conversation_state_changed
  std::string data;
};

using EventListener = std::function<void(const CallEvent&)>;

// Unsubscribes when destroyed or reset (unless released).
class Subscription {
 public:
  Subscription() = default;
  explicit Subscription(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  Subscription(Subscription&& other) noexcept : cancel_(std::exchange(other.cancel_, {})) {}
  Subscription& operator=(Subscription&& other) noexcept {
    if (this != &other) {
      reset();
      cancel_ = std::exchange(other.cancel_, {});
    }
    return *this;
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { reset(); }
  void reset() {
    if (cancel_) std::exchange(cancel_, {})();
  }
  // Keeps the listener for the bus's whole life.
  void release() { cancel_ = {}; }

 private:
  std::function<void()> cancel_;
};

// Listeners registered for a type (or for every type); thread-safe. Events are delivered on a
// worker thread in the order they were emitted.
class EventBus {
 public:
  virtual ~EventBus() = default;
  virtual Subscription on(EventType type, EventListener listener) = 0;
  virtual Subscription on_any(EventListener listener) = 0;
};

}  // namespace patter
