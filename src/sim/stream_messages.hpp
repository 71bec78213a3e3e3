#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace patter::sim {

struct StreamIds {
  std::string account_sid;  // AC…
  std::string call_sid;     // CA…
  std::string stream_sid;   // MZ…
};

// Writes the Media Streams messages Twilio sends, numbered as Twilio numbers them:
// `connected` carries no sequenceNumber, `start` is "1" and every later message adds one;
// media chunks count from "1". Counters are strings, as Twilio sends them.
class TwilioStreamWriter {
 public:
  explicit TwilioStreamWriter(StreamIds ids) : ids_(std::move(ids)) {}

  [[nodiscard]] std::string connected() const;
  [[nodiscard]] std::string start(const std::map<std::string, std::string>& custom_parameters);
  [[nodiscard]] std::string media(std::span<const std::uint8_t> mulaw, std::uint64_t timestamp_ms);
  [[nodiscard]] std::string dtmf(char digit);
  // The echo of a mark the server sent, once its audio has played.
  [[nodiscard]] std::string mark(std::string_view name);
  [[nodiscard]] std::string stop();

  [[nodiscard]] const StreamIds& ids() const { return ids_; }

 private:
  std::string next_sequence() { return std::to_string(++sequence_); }

  StreamIds ids_;
  std::uint64_t sequence_ = 0;
  std::uint64_t chunk_ = 0;
};

// Messages a server sends on a bidirectional stream.
struct AgentMedia {
  std::vector<std::uint8_t> mulaw;
};
struct AgentMark {
  std::string name;
};
struct AgentClear {};
struct AgentOther {
  std::string event;
};
using AgentMessage = std::variant<AgentMedia, AgentMark, AgentClear, AgentOther>;

// Throws core::Error(protocol_error) for text that is not a JSON object with a string "event",
// a media message without base64 media.payload, or a mark without mark.name.
[[nodiscard]] AgentMessage parse_agent_message(std::string_view json);

}  // namespace patter::sim
