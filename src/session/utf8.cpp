#include "session/utf8.hpp"

namespace patter::session::utf8 {
namespace {

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0U) == 0x80U;
}

struct LeadByte {
  std::size_t length;
  char32_t bits;
  // Allowed range of the second byte, which rules out overlong forms and surrogates.
  unsigned char second_min;
  unsigned char second_max;
};

std::optional<LeadByte> classify_lead(unsigned char byte) {
  if (byte >= 0xC2 && byte <= 0xDF) return LeadByte{2, byte & 0x1FU, 0x80, 0xBF};
  if (byte == 0xE0) return LeadByte{3, byte & 0x0FU, 0xA0, 0xBF};
  if (byte == 0xED) return LeadByte{3, byte & 0x0FU, 0x80, 0x9F};
  if (byte >= 0xE1 && byte <= 0xEF) return LeadByte{3, byte & 0x0FU, 0x80, 0xBF};
  if (byte == 0xF0) return LeadByte{4, byte & 0x07U, 0x90, 0xBF};
  if (byte >= 0xF1 && byte <= 0xF3) return LeadByte{4, byte & 0x07U, 0x80, 0xBF};
  if (byte == 0xF4) return LeadByte{4, byte & 0x07U, 0x80, 0x8F};
  return std::nullopt;
}

}  // namespace

std::optional<CodePoint> decode(std::string_view text, std::size_t pos) {
  const auto first = static_cast<unsigned char>(text[pos]);
  if (first < 0x80) return CodePoint{first, 1};
  const auto lead = classify_lead(first);
  if (!lead) return CodePoint{kReplacement, 1};
  char32_t value = lead->bits;
  for (std::size_t i = 1; i < lead->length; ++i) {
    if (pos + i >= text.size()) return std::nullopt;
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    const bool in_range =
        i == 1 ? (byte >= lead->second_min && byte <= lead->second_max) : is_continuation(byte);
    if (!in_range) return CodePoint{kReplacement, 1};
    value = (value << 6U) | (byte & 0x3FU);
  }
  return CodePoint{value, lead->length};
}

std::size_t last_char_start(std::string_view text) {
  if (text.empty()) return 0;
  std::size_t start = text.size() - 1;
  // A character is at most 4 bytes, so look back over at most 3 continuation bytes.
  while (start > 0 && text.size() - start < 4 &&
         is_continuation(static_cast<unsigned char>(text[start]))) {
    --start;
  }
  const auto decoded = decode(text, start);
  if (decoded && start + decoded->length == text.size()) return start;
  return text.size() - 1;
}

std::size_t length(std::string_view text) {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto decoded = decode(text, pos);
    pos = decoded ? pos + decoded->length : text.size();
    ++count;
  }
  return count;
}

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x00A0 ||
         c == 0x3000;
}

bool is_ascii_digit(char32_t c) {
  return c >= '0' && c <= '9';
}
bool is_ascii_upper(char32_t c) {
  return c >= 'A' && c <= 'Z';
}
bool is_ascii_letter(char32_t c) {
  return is_ascii_upper(c) || (c >= 'a' && c <= 'z');
}

std::string_view trim(std::string_view text) {
  while (!text.empty()) {
    const auto first = decode(text, 0);
    if (!first || !is_space(first->value)) break;
    text.remove_prefix(first->length);
  }
  while (!text.empty()) {
    const std::size_t start = last_char_start(text);
    const auto last = decode(text, start);
    if (!last || !is_space(last->value)) break;
    text.remove_suffix(text.size() - start);
  }
  return text;
}

}  // namespace patter::session::utf8
