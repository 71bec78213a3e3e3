#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

// Minimal UTF-8 reading for the text utilities of the session layer: they must never cut a
// multi-byte character, and LLM deltas may end in the middle of one.
namespace patter::session::utf8 {

struct CodePoint {
  char32_t value = 0;
  std::size_t length = 0;  // bytes
};

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes the character starting at text[pos]. Returns nullopt when the text ends in the middle
// of a valid sequence (more bytes may still arrive). An invalid byte decodes as U+FFFD, length 1.
std::optional<CodePoint> decode(std::string_view text, std::size_t pos);

// Byte offset where the last character of `text` starts (0 for empty text).
std::size_t last_char_start(std::string_view text);

// Number of characters; a truncated trailing sequence counts as one.
std::size_t length(std::string_view text);

bool is_space(char32_t c);
bool is_ascii_digit(char32_t c);
bool is_ascii_letter(char32_t c);
bool is_ascii_upper(char32_t c);

std::string_view trim(std::string_view text);

}  // namespace patter::session::utf8
