#pragma once

#include <map>
#include <string>
#include <string_view>

namespace patter::sim {

// What a voice webhook's <Connect><Stream> asks Twilio to open.
struct StreamTarget {
  std::string url;                                // as written in the TwiML (possibly relative)
  std::map<std::string, std::string> parameters;  // the <Parameter name= value=/> children
};

// Reads the first <Stream> element of a TwiML document and its <Parameter>s, with XML entities
// decoded. A deliberately small reader for the TwiML servers answer with, not a full XML parser.
// Throws core::Error(protocol_error) when there is no <Stream url=...>.
[[nodiscard]] StreamTarget parse_stream_twiml(std::string_view twiml);

// A relative stream URL ("/ws/twilio") resolved against the webhook's origin with the matching
// WebSocket scheme (http → ws, https → wss); absolute URLs pass through unchanged.
[[nodiscard]] std::string resolve_stream_url(std::string_view stream_url,
                                             std::string_view webhook_url);

}  // namespace patter::sim
