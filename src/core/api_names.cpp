// Names of the public API's enumerations, as they appear in logs and JSON payloads.

#include <patter/events.hpp>
#include <patter/providers.hpp>

namespace patter {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::system:
      return "system";
    case Role::user:
      return "user";
    case Role::assistant:
      return "assistant";
    case Role::tool:
      return "tool";
  }
  return "unknown";
}

std::string_view to_string(EosTrigger trigger) {
  switch (trigger) {
    case EosTrigger::vad_silence:
      return "vad_silence";
    case EosTrigger::semantic_turn_detector:
      return "semantic_turn_detector";
    case EosTrigger::manual_commit:
      return "manual_commit";
  }
  return "unknown";
}

std::string_view to_string(UserState state) {
  switch (state) {
    case UserState::listening:
      return "listening";
    case UserState::speaking:
      return "speaking";
    case UserState::thinking:
      return "thinking";
    case UserState::away:
      return "away";
  }
  return "unknown";
}

std::string_view to_string(AgentState state) {
  switch (state) {
    case AgentState::initializing:
      return "initializing";
    case AgentState::idle:
      return "idle";
    case AgentState::listening:
      return "listening";
    case AgentState::thinking:
      return "thinking";
    case AgentState::speaking:
      return "speaking";
  }
  return "unknown";
}

std::string_view to_string(EventType type) {
  switch (type) {
    case EventType::turn_started:
      return "turn_started";
    case EventType::turn_ended:
      return "turn_ended";
    case EventType::metrics_collected:
      return "metrics_collected";
    case EventType::call_ended:
      return "call_ended";
    case EventType::eou_metrics:
      return "eou_metrics";
    case EventType::interruption:
      return "interruption";
    case EventType::llm_metrics:
      return "llm_metrics";
    case EventType::tts_metrics:
      return "tts_metrics";
    case EventType::stt_metrics:
      return "stt_metrics";
    case EventType::transcript_partial:
      return "transcript_partial";
    case EventType::transcript_final:
      return "transcript_final";
    case EventType::llm_chunk:
      return "llm_chunk";
    case EventType::tts_chunk:
      return "tts_chunk";
    case EventType::tool_call_started:
      return "tool_call_started";
    case EventType::conversation_state_changed:
      return "conversation_state_changed";
    case EventType::engine_error:
      return "engine_error";
  }
  return "unknown";
}

}  // namespace patter
