#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace patter::providers {

// {"type":"transcript"}: the text since the last final (a delta, not the whole call). Word
// times are seconds of audio since the stream (the connection) opened.
struct CartesiaTranscript {
  std::string text;
  bool is_final = false;
  double duration = 0.0;
  std::string language;
  std::optional<double> first_word_start;
  std::optional<double> last_word_end;
};

// The answer to "finalize": the audio sent before it has been transcribed.
struct CartesiaFlushDone {};

// The answer to "done": the stream is over and the server closes it.
struct CartesiaDone {};

// {"type":"error"}: old ({"message","code"}), new ({"title","message","error_code",
// "status_code"}) and bare ({"error"}) shapes alike.
struct CartesiaSttError {
  std::string message;
  int status = 0;  // 0 when the message has none
};

// A message type this client does not use.
struct CartesiaSttOther {
  std::string type;
};

// The text was not JSON, or a known message lacked a field it must have.
struct CartesiaSttMalformed {
  std::string detail;
};

using CartesiaSttMessage = std::variant<CartesiaTranscript, CartesiaFlushDone, CartesiaDone,
                                        CartesiaSttError, CartesiaSttOther, CartesiaSttMalformed>;

CartesiaSttMessage parse_cartesia_stt_message(std::string_view text);

}  // namespace patter::providers
