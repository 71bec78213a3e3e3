#include "sim/twiml_stream.hpp"

#include <charconv>
#include <cstdint>
#include <optional>

#include "core/error.hpp"
#include "net/url.hpp"

namespace patter::sim {

namespace {

using Attributes = std::map<std::string, std::string>;

[[noreturn]] void fail(const std::string& detail) {
  throw core::Error(core::Errc::protocol_error, "TwiML: " + detail);
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

std::optional<std::uint32_t> character_reference(std::string_view entity) {
  if (entity.size() < 2 || entity[0] != '#') return std::nullopt;
  const bool hex = entity[1] == 'x' || entity[1] == 'X';
  const auto digits = entity.substr(hex ? 2 : 1);
  std::uint32_t code = 0;
  const auto* end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, code, hex ? 16 : 10);
  if (digits.empty() || error != std::errc() || stop != end || code > 0x10FFFF) return std::nullopt;
  return code;
}

std::string decode_entities(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto semicolon = text[i] == '&' ? text.find(';', i) : std::string_view::npos;
    if (semicolon == std::string_view::npos) {
      out += text[i++];
      continue;
    }
    const auto entity = text.substr(i + 1, semicolon - i - 1);
    if (entity == "amp") {
      out += '&';
    } else if (entity == "lt") {
      out += '<';
    } else if (entity == "gt") {
      out += '>';
    } else if (entity == "quot") {
      out += '"';
    } else if (entity == "apos") {
      out += '\'';
    } else if (const auto code = character_reference(entity)) {
      append_utf8(out, *code);
    } else {
      fail("unknown entity &" + std::string(entity) + ";");
    }
    i = semicolon + 1;
  }
  return out;
}

// The start tag `<name ...>` at or after `from`, or npos. `name` must not be a prefix match.
std::size_t find_tag(std::string_view xml, std::string_view name, std::size_t from) {
  const std::string open = "<" + std::string(name);
  for (auto at = xml.find(open, from); at != std::string_view::npos; at = xml.find(open, at + 1)) {
    const auto next = at + open.size();
    if (next < xml.size() && (is_space(xml[next]) || xml[next] == '>' || xml[next] == '/')) {
      return at;
    }
  }
  return std::string_view::npos;
}

struct Tag {
  Attributes attributes;
  std::size_t end = 0;  // just past '>'
  bool self_closing = false;
};

Tag read_tag(std::string_view xml, std::size_t at) {
  Tag tag;
  auto i = xml.find_first_of(" \t\r\n/>", at + 1);
  while (i < xml.size()) {
    while (i < xml.size() && is_space(xml[i])) ++i;
    if (i >= xml.size()) break;
    if (xml[i] == '>' || xml.compare(i, 2, "/>") == 0) {
      tag.self_closing = xml[i] == '/';
      tag.end = i + (tag.self_closing ? 2 : 1);
      return tag;
    }
    const auto equals = xml.find('=', i);
    if (equals == std::string_view::npos || equals + 1 >= xml.size()) break;
    auto name = xml.substr(i, equals - i);
    while (!name.empty() && is_space(name.back())) name.remove_suffix(1);
    const char quote = xml[equals + 1];
    if (quote != '"' && quote != '\'') fail("attribute values must be quoted");
    const auto close = xml.find(quote, equals + 2);
    if (close == std::string_view::npos) break;
    tag.attributes[std::string(name)] = decode_entities(xml.substr(equals + 2, close - equals - 2));
    i = close + 1;
  }
  fail("unterminated tag");
}

}  // namespace

StreamTarget parse_stream_twiml(std::string_view twiml) {
  const auto at = find_tag(twiml, "Stream", 0);
  if (at == std::string_view::npos)
    fail("no <Stream> element (expected <Connect><Stream url=...>)");
  auto stream = read_tag(twiml, at);
  StreamTarget target;
  if (const auto url = stream.attributes.find("url"); url != stream.attributes.end()) {
    target.url = url->second;
  }
  if (target.url.empty()) fail("<Stream> has no url attribute");
  if (stream.self_closing) return target;
  const auto body_end = twiml.find("</Stream>", stream.end);
  if (body_end == std::string_view::npos) fail("<Stream> is not closed");
  for (auto param = find_tag(twiml, "Parameter", stream.end); param < body_end;
       param = find_tag(twiml, "Parameter", param + 1)) {
    const auto tag = read_tag(twiml, param);
    const auto name = tag.attributes.find("name");
    const auto value = tag.attributes.find("value");
    if (name == tag.attributes.end()) fail("<Parameter> has no name attribute");
    target.parameters[name->second] = value == tag.attributes.end() ? "" : value->second;
  }
  return target;
}

std::string resolve_stream_url(std::string_view stream_url, std::string_view webhook_url) {
  if (!stream_url.starts_with("/")) return std::string(stream_url);
  const auto webhook = net::parse_endpoint(webhook_url);
  return (webhook.secure() ? "wss://" : "ws://") + webhook.host_header() + std::string(stream_url);
}

}  // namespace patter::sim
