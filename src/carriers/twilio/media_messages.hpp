#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"

namespace patter::carriers::twilio {

// Twilio Media Streams WebSocket messages (Twilio → runtime), parsed without any I/O.

struct MediaFormat {
  std::string encoding;  // "audio/x-mulaw"
  int sample_rate = 0;
  int channels = 0;
};

struct Connected {
  std::string protocol;
  std::string version;
};

struct Start {
  std::string stream_sid;
  std::string call_sid;
  std::string account_sid;
  std::vector<std::string> tracks;
  std::map<std::string, std::string> custom_parameters;  // the TwiML <Parameter> entries
  MediaFormat media_format;
};

struct Media {
  std::uint64_t sequence_number = 0;
  std::string track;
  std::uint64_t chunk = 0;
  std::uint64_t timestamp_ms = 0;     // since the stream started
  std::vector<std::uint8_t> payload;  // raw μ-law, base64-decoded
};

struct Mark {
  std::string name;
};

struct Dtmf {
  std::string digit;
  std::string track;
};

struct Stop {
  std::string call_sid;
  std::string account_sid;
};

// An "event" this parser does not know; callers log it and carry on.
struct Unknown {
  std::string event;
};

using MediaMessage = std::variant<Connected, Start, Media, Mark, Dtmf, Stop, Unknown>;

// A message that is not valid JSON, lacks a field, has a field of the wrong type or carries
// bad base64: code protocol_error, or message_too_big past the size cap. what() names the
// offending field by its JSON path (e.g. "media.payload") and never echoes its value.
class MediaMessageError : public core::Error {
 public:
  using core::Error::Error;
};

inline constexpr std::size_t kDefaultMaxMediaMessageBytes = std::size_t{1024} * 1024;

// Numeric counters (sequenceNumber, chunk, timestamp) are accepted as Twilio's digit strings
// or as JSON integers.
[[nodiscard]] MediaMessage parse_media_message(
    std::string_view json, std::size_t max_bytes = kDefaultMaxMediaMessageBytes);

// Runtime → Twilio messages of a bidirectional stream, in Twilio's exact shape.
[[nodiscard]] std::string media_json(std::string_view stream_sid,
                                     std::span<const std::uint8_t> mulaw);
[[nodiscard]] std::string mark_json(std::string_view stream_sid, std::string_view name);
[[nodiscard]] std::string clear_json(std::string_view stream_sid);


}  // namespace patter::carriers::twilio
