#pragma once

// The client messages the engine sends and the server events it reads, as small pure functions
// (beta v1 and GA names alike; see docs protocols §4).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <patter/audio_format.hpp>
#include <patter/engine.hpp>

#include "providers/realtime/openai_realtime_config.hpp"

namespace patter::providers {

// ---- client → server ----

// session.update for the config's API. `wire` is the session's audio format both ways (see
// session_audio_format). Throws std::invalid_argument naming a tool whose parameters are not a
// JSON object.
std::string session_update(const OpenAiRealtimeConfig& config, const EngineSessionConfig& session,
                           AudioFormat wire);
std::string input_audio_append(std::span<const std::uint8_t> audio);
// A response that uses the conversation so far.
std::string response_create();
// What the model is told to make it speak `text` word for word and nothing else.
std::string verbatim_instructions(std::string_view text);
// A response that speaks `text` word for word (the first message, say()).
std::string verbatim_response_create(std::string_view text);
std::string user_text_item(std::string_view text);
std::string function_call_output_item(std::string_view call_id, std::string_view output);
std::string response_cancel();
std::string item_truncate(std::string_view item_id, std::int64_t audio_end_ms);

// ---- server → client ----

struct RealtimeSessionCreated {};
struct RealtimeSessionUpdated {};
struct RealtimeSpeechStarted {
  std::string item_id;
  std::int64_t audio_start_ms = 0;
};
struct RealtimeSpeechStopped {
  std::string item_id;
  std::int64_t audio_end_ms = 0;
};
struct RealtimeInputTranscript {
  std::string item_id;
  std::string transcript;
};
struct RealtimeInputTranscriptFailed {
  std::string item_id;
  std::string message;
};
struct RealtimeResponseCreated {
  std::string response_id;
};
// response.output_item.added / .done: a message (audio) or a function call.
struct RealtimeOutputItem {
  bool done = false;
  std::string response_id;
  std::string item_id;
  std::string item_type;  // "message", "function_call", ...
  std::string call_id;    // function calls
  std::string name;
  std::string arguments;
};
struct RealtimeAudioDelta {
  std::string response_id;
  std::string item_id;
  std::vector<std::uint8_t> audio;
};
struct RealtimeAudioDone {
  std::string response_id;
  std::string item_id;
};
struct RealtimeTranscriptDelta {
  std::string response_id;
  std::string item_id;
  std::string delta;
};
struct RealtimeTranscriptDone {
  std::string response_id;
  std::string item_id;
  std::string transcript;
};
struct RealtimeFunctionCallDone {
  std::string response_id;
  std::string item_id;
  std::string call_id;
  std::string name;  // GA always; beta servers may leave it out
  std::string arguments;
};
struct RealtimeResponseDone {
  std::string response_id;
  std::string status;  // completed, cancelled, failed, incomplete
  std::string reason;  // status_details.reason, or the failure's message
  std::optional<EngineUsage> usage;
};
struct RealtimeItemTruncated {
  std::string item_id;
  std::int64_t audio_end_ms = 0;
};
struct RealtimeServerError {
  std::string type;
  std::string code;
  std::string message;
};
struct RealtimeMalformed {
  std::string detail;
};
struct RealtimeOther {
  std::string type;
};

using RealtimeEvent =
    std::variant<RealtimeSessionCreated, RealtimeSessionUpdated, RealtimeSpeechStarted,
                 RealtimeSpeechStopped, RealtimeInputTranscript, RealtimeInputTranscriptFailed,
                 RealtimeResponseCreated, RealtimeOutputItem, RealtimeAudioDelta,
                 RealtimeAudioDone, RealtimeTranscriptDelta, RealtimeTranscriptDone,
                 RealtimeFunctionCallDone, RealtimeResponseDone, RealtimeItemTruncated,
                 RealtimeServerError, RealtimeMalformed, RealtimeOther>;

// One server event. Malformed JSON, a missing type or a required field of the wrong kind, or
// audio that is not base64 gives RealtimeMalformed; unknown types give RealtimeOther.
RealtimeEvent parse_realtime_event(std::string_view text);

}  // namespace patter::providers
