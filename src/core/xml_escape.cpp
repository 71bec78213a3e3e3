#include "core/xml_escape.hpp"

#include <cstddef>

namespace patter::core {

namespace {

std::string_view entity_for(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&apos;";
    default:
      return {};
  }
}

bool is_allowed_ascii(unsigned char c) {
  return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
}

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF) that starts text[at] with a lead byte of 0x80 or above, or 0 if there is none.
std::size_t multibyte_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(1) < second_min || byte(1) > second_max) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!is_continuation(byte(i))) return 0;
  }
  return length;
}

// U+FFFE and U+FFFF are UTF-8 EF BF BE and EF BF BF.
bool is_noncharacter(std::string_view sequence) {
  return sequence.size() == 3 && sequence[0] == '\xEF' && sequence[1] == '\xBF' &&
         (sequence[2] == '\xBE' || sequence[2] == '\xBF');
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    const auto c = static_cast<unsigned char>(text[at]);
    if (c < 0x80) {
      if (const auto entity = entity_for(text[at]); !entity.empty()) {
        out += entity;
      } else if (is_allowed_ascii(c)) {
        out += text[at];
      }
      ++at;
      continue;
    }
    const auto length = multibyte_length(text, at);
    if (length == 0) {
      ++at;
      continue;
    }
    const auto sequence = text.substr(at, length);
    if (!is_noncharacter(sequence)) out += sequence;
    at += length;
  }
  return out;
}

}  // namespace patter::core
