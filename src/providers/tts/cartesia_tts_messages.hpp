#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "providers/tts/cartesia_tts_config.hpp"

namespace patter::providers {

// One input of a context: the sentence (or "" for a flush or the end of input) with every
// field the context repeats: model_id, voice, language, output_format and the options set.
struct CartesiaInput {
  std::string context_id;
  std::string transcript;
  bool continues = false;  // "continue": more input follows on this context
  bool flush = false;      // generate everything buffered now; flush_done answers
};
std::string cartesia_generation_request(const CartesiaTtsConfig& config,
                                        const std::string& language, const CartesiaInput& input);
// {"context_id":…,"cancel":true}
std::string cartesia_cancel_request(const std::string& context_id);

// A message from the TTS socket, reduced to what the client uses.
struct CartesiaTtsMessage {
  enum class Kind : std::uint8_t { chunk, flush_done, done, error, other };
  Kind kind = Kind::other;
  std::string type;
  std::string context_id;           // empty when the message names none
  std::vector<std::uint8_t> audio;  // chunk: decoded
  std::optional<std::int64_t> flush_id;
  std::string error;  // error: the server's explanation
  int status = 0;     // error: status_code, 0 when absent
};

// A message that is not a JSON object with a type, or whose audio is not padded base64.
class CartesiaTtsFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws CartesiaTtsFormatError. Unknown types are Kind::other; unknown fields are ignored.
CartesiaTtsMessage parse_cartesia_tts_message(std::string_view text);

}  // namespace patter::providers
