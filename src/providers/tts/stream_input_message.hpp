#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace patter::providers {

// A message from ElevenLabs' stream-input WebSocket: audio (alignment ignored), the end of the
// stream, or an error the server sends before closing with 1008.
struct StreamInputMessage {
  std::vector<std::uint8_t> audio;  // decoded; empty when the message carries none
  bool is_final = false;
  std::string error;          // "input_timeout_exceeded", ...; empty when not an error
  std::string error_message;  // the server's explanation
};

// A message that is not a JSON object, or whose audio is not standard padded base64.
class StreamInputFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws StreamInputFormatError. Unknown fields are ignored.
StreamInputMessage parse_stream_input_message(std::string_view text);

}  // namespace patter::providers
