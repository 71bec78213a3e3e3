#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace patter::providers {

// ---- client → server (ElevenLabs Conversational AI WebSocket) ----

// What conversation_initiation_client_data overrides; empty fields are left out, and with
// none at all conversation_config_override is an empty object.
struct ConvAiInitiation {
  std::string prompt;
  std::string first_message;
  std::string language;
  std::string voice_id;
  std::string audio_format;                              // tts.output_format and asr.input_format
  std::map<std::string, std::string> dynamic_variables;  // sent only when there are some
};

std::string initiation_message(const ConvAiInitiation& initiation);
// {"user_audio_chunk":"<base64>"}: the one message without a type.
std::string user_audio_chunk_message(std::span<const std::uint8_t> audio);
std::string pong_message(std::int64_t event_id);
std::string tool_result_message(std::string_view call_id, std::string_view result);
std::string user_text_message(std::string_view text);
std::string user_activity_message();

// ---- server → client ----

struct ConvAiMetadata {
  std::string conversation_id;
  std::string output_format;  // agent_output_audio_format
  std::string input_format;   // user_input_audio_format
};
struct ConvAiAudio {
  std::int64_t event_id = 0;
  std::vector<std::uint8_t> audio;  // decoded from audio_base_64
};
struct ConvAiAgentResponse {
  std::string text;
};
// The agent's text cut to what was spoken before an interruption.
struct ConvAiAgentCorrection {
  std::string original;
  std::string corrected;
};
// agent_chat_response_part of type delta.
struct ConvAiAgentDelta {
  std::string text;
};
struct ConvAiUserTranscript {
  std::string text;
};
struct ConvAiInterruption {
  std::int64_t event_id = 0;
};
struct ConvAiPing {
  std::int64_t event_id = 0;
  std::optional<std::int64_t> ping_ms;
};
struct ConvAiToolCall {
  std::string name;
  std::string call_id;
  std::string parameters_json;  // the parameters object as JSON text; {} when absent
};
struct ConvAiServerError {
  std::string message;
};
// A well-formed message this client has no use for (vad_score, internal_*, new types).
struct ConvAiIgnored {
  std::string type;
};
// Not JSON, no type, or a known type without the fields it must carry.
struct ConvAiMalformed {
  std::string detail;
};

using ConvAiServerMessage =
    std::variant<ConvAiMetadata, ConvAiAudio, ConvAiAgentResponse, ConvAiAgentCorrection,
                 ConvAiAgentDelta, ConvAiUserTranscript, ConvAiInterruption, ConvAiPing,
                 ConvAiToolCall, ConvAiServerError, ConvAiIgnored, ConvAiMalformed>;

// Never throws: whatever the text, a message or ConvAiMalformed naming the problem.
ConvAiServerMessage parse_convai_message(std::string_view text);

}  // namespace patter::providers
