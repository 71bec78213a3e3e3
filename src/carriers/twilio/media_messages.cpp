#include "carriers/twilio/media_messages.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <optional>
#include <utility>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/base64.hpp"

namespace patter::carriers::twilio {

namespace {

namespace json = boost::json;

[[noreturn]] void fail(const std::string& detail) {
  throw MediaMessageError(core::Errc::protocol_error, "Twilio media message: " + detail);
}

std::optional<std::uint64_t> parse_digits(std::string_view text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

// One JSON object of a message, with the dotted path its fields are reported under.
class Fields {
 public:
  Fields(const json::object& object, std::string path) : object_(object), path_(std::move(path)) {}

  [[nodiscard]] std::string name(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  [[nodiscard]] const json::value& get(std::string_view key) const {
    const auto* value = object_.if_contains(key);
    if (value == nullptr) fail("missing field \"" + name(key) + "\"");
    return *value;
  }

  [[nodiscard]] Fields object(std::string_view key) const {
    const auto* object = get(key).if_object();
    if (object == nullptr) fail("field \"" + name(key) + "\" must be an object");
    return Fields(*object, name(key));
  }

  [[nodiscard]] std::string string(std::string_view key) const {
    const auto* text = get(key).if_string();
    if (text == nullptr) fail("field \"" + name(key) + "\" must be a string");
    return std::string(*text);
  }

  // Twilio sends its counters as digit strings; plain JSON integers are taken too.
  [[nodiscard]] std::uint64_t counter(std::string_view key) const {
    const auto& value = get(key);
    std::optional<std::uint64_t> number;
    if (const auto* text = value.if_string()) {
      number = parse_digits(*text);
    } else if (const auto* unsigned_value = value.if_uint64()) {
      number = *unsigned_value;
    } else if (const auto* signed_value = value.if_int64(); signed_value && *signed_value >= 0) {
      number = static_cast<std::uint64_t>(*signed_value);
    }
    if (!number) fail("field \"" + name(key) + "\" must be a non-negative integer");
    return *number;
  }

  [[nodiscard]] int integer(std::string_view key) const {
    const auto& value = get(key);
    const auto* number = value.if_int64();
    if (number == nullptr || *number < 0 || *number > std::numeric_limits<int>::max()) {
      fail("field \"" + name(key) + "\" must be a non-negative integer");
    }
    return static_cast<int>(*number);
  }

  [[nodiscard]] std::vector<std::string> strings(std::string_view key) const {
    const auto* array = get(key).if_array();
    if (array == nullptr) fail("field \"" + name(key) + "\" must be an array of strings");
    std::vector<std::string> items;
    for (const auto& item : *array) {
      const auto* text = item.if_string();
      if (text == nullptr) fail("field \"" + name(key) + "\" must be an array of strings");
      items.emplace_back(*text);
    }
    return items;
  }

  // An absent map is empty: a stream started without <Parameter> may omit it.
  [[nodiscard]] std::map<std::string, std::string> string_map(std::string_view key) const {
    std::map<std::string, std::string> items;
    if (!object_.contains(key)) return items;
    const auto entries = object(key);
    for (const auto& entry : entries.object_)
      items.emplace(entry.key(), entries.string(entry.key()));
    return items;
  }

 private:
  const json::object& object_;
  std::string path_;
};

Start parse_start(const Fields& message) {
  const auto start = message.object("start");
  const auto format = start.object("mediaFormat");
  return Start{
      .stream_sid = start.string("streamSid"),
      .call_sid = start.string("callSid"),
      .account_sid = start.string("accountSid"),
      .tracks = start.strings("tracks"),
      .custom_parameters = start.string_map("customParameters"),
      .media_format = MediaFormat{.encoding = format.string("encoding"),
                                  .sample_rate = format.integer("sampleRate"),
                                  .channels = format.integer("channels")},
  };
}

Media parse_media(const Fields& message) {
  const auto media = message.object("media");
  auto payload = core::decode_base64(media.string("payload"));
  if (!payload) fail("field \"media.payload\" is not valid base64");
  return Media{
      .sequence_number = message.counter("sequenceNumber"),
      .track = media.string("track"),
      .chunk = media.counter("chunk"),
      .timestamp_ms = media.counter("timestamp"),
      .payload = std::move(*payload),
  };
}

}  // namespace

MediaMessage parse_media_message(std::string_view json_text, std::size_t max_bytes) {
  if (json_text.size() > max_bytes) {
    throw MediaMessageError(core::Errc::message_too_big,
                            "Twilio media message: " + std::to_string(json_text.size()) +
                                " bytes exceeds the limit of " + std::to_string(max_bytes));
  }
  // Fifty messages a second per call: the parsed tree lives in a stack buffer, not the heap.
  std::array<unsigned char, 4096> tree_buffer;
  json::monotonic_resource tree_memory(tree_buffer.data(), tree_buffer.size());
  boost::system::error_code error;
  const auto value = json::parse(json_text, error, &tree_memory);
  if (error) fail("not valid JSON (" + error.message() + ")");
  const auto* object = value.if_object();
  if (object == nullptr) fail("not a JSON object");
  const Fields message(*object, "");
  const auto event = message.string("event");

  if (event == "connected") {
    return Connected{.protocol = message.string("protocol"), .version = message.string("version")};
  }
  if (event == "start") return parse_start(message);
  if (event == "media") return parse_media(message);
  if (event == "mark") return Mark{.name = message.object("mark").string("name")};
  if (event == "dtmf") {
    const auto dtmf = message.object("dtmf");
    return Dtmf{.digit = dtmf.string("digit"), .track = dtmf.string("track")};
  }
  if (event == "stop") {
    const auto stop = message.object("stop");
    return Stop{.call_sid = stop.string("callSid"), .account_sid = stop.string("accountSid")};
  }
  return Unknown{.event = event};
}

// Sent 50 times a second per call: written straight into one buffer rather than through a
// json::object. Twilio's stream SIDs never need escaping; anything else is escaped by Boost.JSON.
std::string media_json(std::string_view stream_sid, std::span<const std::uint8_t> mulaw) {
  constexpr std::string_view kHead = R"({"event":"media","streamSid":)";
  constexpr std::string_view kPayload = R"(,"media":{"payload":")";
  constexpr std::string_view kTail = R"("}})";
  const bool plain = std::all_of(stream_sid.begin(), stream_sid.end(), [](char c) {
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
  });
  std::string message;
  message.reserve(kHead.size() + stream_sid.size() + 2 + kPayload.size() + 4 * ((mulaw.size() + 2) / 3) +
                  kTail.size());
  message += kHead;
  if (plain) {
    message += '"';
    message += stream_sid;
    message += '"';
  } else {
    message += json::serialize(json::string_view(stream_sid));
  }
  message += kPayload;
  core::append_base64(message, mulaw);
  message += kTail;
  return message;
}

std::string mark_json(std::string_view stream_sid, std::string_view name) {
  return json::serialize(json::object{
      {"event", "mark"}, {"streamSid", stream_sid}, {"mark", json::object{{"name", name}}}});
}

std::string clear_json(std::string_view stream_sid) {
  return json::serialize(json::object{{"event", "clear"}, {"streamSid", stream_sid}});
}

}  // namespace patter::carriers::twilio
