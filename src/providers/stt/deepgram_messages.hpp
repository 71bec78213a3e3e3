#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace patter::providers {

// One Results message, reduced to the first alternative of its channel. Times are seconds of
// audio since the stream (the connection) opened.
struct DeepgramResults {
  std::string transcript;
  double confidence = 0.0;
  bool is_final = false;
  bool speech_final = false;
  bool from_finalize = false;
  double start = 0.0;  // the span of audio the result covers
  double duration = 0.0;
  std::optional<double> first_word_start;
  std::optional<double> last_word_end;
};

struct DeepgramSpeechStarted {
  double timestamp = 0.0;
};

struct DeepgramUtteranceEnd {
  double last_word_end = 0.0;
};

struct DeepgramMetadata {
  std::string request_id;
  double duration = 0.0;  // seconds of audio Deepgram processed (and bills)
};

// {"type":"Error",...}: the server gave up on the stream.
struct DeepgramServerError {
  std::string message;
};

// A message type this client does not use.
struct DeepgramOther {
  std::string type;
};

// The text was not JSON, or a known message lacked a field it must have.
struct DeepgramMalformed {
  std::string detail;
};

using DeepgramMessage =
    std::variant<DeepgramResults, DeepgramSpeechStarted, DeepgramUtteranceEnd, DeepgramMetadata,
                 DeepgramServerError, DeepgramOther, DeepgramMalformed>;

DeepgramMessage parse_deepgram_message(std::string_view text);

}  // namespace patter::providers
