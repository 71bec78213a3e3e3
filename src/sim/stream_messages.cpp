#include "sim/stream_messages.hpp"

#include <openssl/evp.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "carriers/twilio/media_messages.hpp"
#include "core/base64.hpp"
#include "core/error.hpp"

namespace patter::sim {

namespace {

namespace json = boost::json;

[[noreturn]] void fail(const std::string& detail) {
  throw core::Error(core::Errc::protocol_error, "stream message from the server: " + detail);
}

const json::string* string_at(const json::object& object, std::string_view outer,
                              std::string_view inner) {
  const auto* nested = object.if_contains(outer);
  if (nested == nullptr || !nested->is_object()) return nullptr;
  const auto* value = nested->as_object().if_contains(inner);
  return value == nullptr ? nullptr : value->if_string();
}

}  // namespace

std::string TwilioStreamWriter::connected() const {
  return json::serialize(
      json::object{{"event", "connected"}, {"protocol", "Call"}, {"version", "1.0.0"}});
}

std::string TwilioStreamWriter::start(const std::map<std::string, std::string>& custom_parameters) {
  json::object parameters;
  for (const auto& [name, value] : custom_parameters) parameters[name] = value;
  json::object start{
      {"accountSid", ids_.account_sid},
      {"streamSid", ids_.stream_sid},
      {"callSid", ids_.call_sid},
      {"tracks", json::array{"inbound"}},
      {"customParameters", std::move(parameters)},
      {"mediaFormat",
       json::object{{"encoding", "audio/x-mulaw"}, {"sampleRate", 8000}, {"channels", 1}}},
  };
  return json::serialize(json::object{{"event", "start"},
                                      {"sequenceNumber", next_sequence()},
                                      {"streamSid", ids_.stream_sid},
                                      {"start", std::move(start)}});
}

std::string TwilioStreamWriter::media(std::span<const std::uint8_t> mulaw,
                                      std::uint64_t timestamp_ms) {
  json::object media{{"track", "inbound"},
                     {"chunk", std::to_string(++chunk_)},
                     {"timestamp", std::to_string(timestamp_ms)},
                     {"payload", core::encode_base64(mulaw)}};
  return json::serialize(json::object{{"event", "media"},
                                      {"sequenceNumber", next_sequence()},
                                      {"streamSid", ids_.stream_sid},
                                      {"media", std::move(media)}});
}

std::string TwilioStreamWriter::dtmf(char digit) {
  return json::serialize(json::object{
      {"event", "dtmf"},
      {"sequenceNumber", next_sequence()},
      {"streamSid", ids_.stream_sid},
      {"dtmf", json::object{{"track", "inbound_track"}, {"digit", std::string(1, digit)}}}});
}

std::string TwilioStreamWriter::mark(std::string_view name) {
  return json::serialize(json::object{{"event", "mark"},
                                      {"sequenceNumber", next_sequence()},
                                      {"streamSid", ids_.stream_sid},
                                      {"mark", json::object{{"name", name}}}});
}

std::string TwilioStreamWriter::stop() {
  return json::serialize(json::object{
      {"event", "stop"},
      {"sequenceNumber", next_sequence()},
      {"streamSid", ids_.stream_sid},
      {"stop", json::object{{"accountSid", ids_.account_sid}, {"callSid", ids_.call_sid}}}});
}

AgentMessage parse_agent_message(std::string_view text) {
  boost::system::error_code error;
  const auto value = json::parse(text, error);
  if (error) fail("not valid JSON (" + error.message() + ")");
  const auto* object = value.if_object();
  if (object == nullptr) fail("not a JSON object");
  const auto* event_value = object->if_contains("event");
  const auto* event = event_value == nullptr ? nullptr : event_value->if_string();
  if (event == nullptr) fail("missing string field \"event\"");

  if (*event == "media") {
    const auto* payload = string_at(*object, "media", "payload");
    if (payload == nullptr) fail("missing string field \"media.payload\"");
    auto audio = core::decode_base64(*payload);
    if (!audio) fail("media.payload is not base64");
    return AgentMedia{std::move(*audio)};
  }
  if (*event == "mark") {
    const auto* name = string_at(*object, "mark", "name");
    if (name == nullptr) fail("missing string field \"mark.name\"");
    return AgentMark{std::string(*name)};
  }
  if (*event == "clear") return AgentClear{};
  return AgentOther{std::string(*event)};
}

}  // namespace patter::sim
