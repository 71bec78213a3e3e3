#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace patter::providers {

struct AssemblyAiBegin {
  std::string id;
};

struct AssemblyAiWord {
  std::string text;
  double start_ms = 0.0;  // audio time since the stream (the connection) opened
  double end_ms = 0.0;
  double confidence = 0.0;
  bool is_final = false;
};

// One Turn message. `transcript` holds the turn's finalized words so far; `words` all of them,
// the last ones possibly still changing.
struct AssemblyAiTurn {
  std::int64_t turn_order = 0;
  bool end_of_turn = false;
  bool turn_is_formatted = false;
  std::string transcript;
  std::vector<AssemblyAiWord> words;
};

struct AssemblyAiSpeechStarted {};

struct AssemblyAiTermination {
  double audio_duration_seconds = 0.0;
  double session_duration_seconds = 0.0;  // what the session is billed for
};

// {"type":"Error","error_code":3008,"error":"…"}: the server closes with error_code next.
struct AssemblyAiServerError {
  int code = 0;
  std::string message;
};

// A message type this client does not use.
struct AssemblyAiOther {
  std::string type;
};

// The text was not JSON, or a known message lacked a field it must have.
struct AssemblyAiMalformed {
  std::string detail;
};

using AssemblyAiMessage =
    std::variant<AssemblyAiBegin, AssemblyAiTurn, AssemblyAiSpeechStarted, AssemblyAiTermination,
                 AssemblyAiServerError, AssemblyAiOther, AssemblyAiMalformed>;

AssemblyAiMessage parse_assemblyai_message(std::string_view text);

}  // namespace patter::providers
