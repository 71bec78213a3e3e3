#include "session/text_filters.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <vector>

#include "session/utf8.hpp"

namespace patter::session {
namespace {

bool is_space_byte(char ch) {
  return ch == ' ' || ch == '\t';
}
bool is_word_byte(char ch) {
  return std::isalnum(static_cast<unsigned char>(ch)) != 0;
}

std::string inline_markdown(std::string_view text);

// [label](target) starting at `pos` (the "["): the label and the position after ")".
std::optional<std::pair<std::string_view, std::size_t>> link_at(std::string_view text,
                                                                std::size_t pos) {
  const std::size_t label_end = text.find(']', pos + 1);
  if (label_end == std::string_view::npos || label_end + 1 >= text.size() ||
      text[label_end + 1] != '(') {
    return std::nullopt;
  }
  const std::size_t target_end = text.find(')', label_end + 2);
  if (target_end == std::string_view::npos) return std::nullopt;
  return std::pair{text.substr(pos + 1, label_end - pos - 1), target_end + 1};
}

// Position of the delimiter closing one opened at `open`, or npos. A closing delimiter follows
// a non-space; underscores must also not be followed by a letter or digit (snake_case).
std::size_t closing_delimiter(std::string_view text, std::size_t open, std::string_view delim) {
  const bool underscore = delim.front() == '_';
  for (std::size_t pos = open + delim.size() + 1; pos + delim.size() <= text.size(); ++pos) {
    if (text.substr(pos, delim.size()) != delim || is_space_byte(text[pos - 1])) continue;
    const std::size_t after = pos + delim.size();
    const bool longer_run = after < text.size() && text[after] == delim.front();
    if (longer_run && delim.size() == 1) {
      ++pos;  // skip the pair: it belongs to a stronger emphasis
      continue;
    }
    if (underscore && after < text.size() && is_word_byte(text[after])) continue;
    return pos;
  }
  return std::string_view::npos;
}

// Emphasis opened at `pos` by "**", "__", "~~", "*" or "_": its inner text and the position
// after the closing delimiter.
std::optional<std::pair<std::string_view, std::size_t>> emphasis_at(std::string_view text,
                                                                    std::size_t pos) {
  static constexpr auto kDelimiters = std::to_array<std::string_view>({"**", "__", "~~", "*", "_"});
  for (const std::string_view delim : kDelimiters) {
    if (text.substr(pos, delim.size()) != delim) continue;
    const std::size_t inner = pos + delim.size();
    if (inner >= text.size() || is_space_byte(text[inner])) continue;
    if (delim.front() == '_' && pos > 0 && is_word_byte(text[pos - 1])) continue;
    const std::size_t close = closing_delimiter(text, pos, delim);
    if (close == std::string_view::npos) continue;
    return std::pair{text.substr(inner, close - inner), close + delim.size()};
  }
  return std::nullopt;
}

std::string inline_markdown(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char ch = text[pos];
    if (ch == '`') {
      const std::size_t close = text.find('`', pos + 1);
      if (close != std::string_view::npos) {
        out.append(text.substr(pos + 1, close - pos - 1));
        pos = close + 1;
        continue;
      }
    }
    const bool image = ch == '!' && pos + 1 < text.size() && text[pos + 1] == '[';
    if (ch == '[' || image) {
      if (const auto link = link_at(text, image ? pos + 1 : pos)) {
        out += inline_markdown(link->first);
        pos = link->second;
        continue;
      }
    }
    if (ch == '*' || ch == '_' || ch == '~') {
      if (const auto emphasis = emphasis_at(text, pos)) {
        out += inline_markdown(emphasis->first);
        pos = emphasis->second;
        continue;
      }
    }
    out += ch;
    ++pos;
  }
  return out;
}

bool is_horizontal_rule(std::string_view line) {
  std::size_t marks = 0;
  char mark = 0;
  for (const char ch : line) {
    if (is_space_byte(ch)) continue;
    if (ch != '-' && ch != '*' && ch != '_') return false;
    if (mark != 0 && ch != mark) return false;
    mark = ch;
    ++marks;
  }
  return marks >= 3;
}

// The line without its heading, quote or bullet marker.
std::string_view strip_block_marker(std::string_view line) {
  std::size_t pos = 0;
  while (pos < line.size() && is_space_byte(line[pos])) ++pos;
  std::string_view rest = line.substr(pos);
  while (rest.starts_with(">")) {
    rest.remove_prefix(1);
    while (!rest.empty() && is_space_byte(rest.front())) rest.remove_prefix(1);
  }
  std::size_t hashes = 0;
  while (hashes < rest.size() && rest[hashes] == '#') ++hashes;
  if (hashes >= 1 && hashes <= 6 && (hashes == rest.size() || is_space_byte(rest[hashes]))) {
    rest.remove_prefix(hashes);
  } else if (rest.size() >= 2 && (rest[0] == '-' || rest[0] == '*' || rest[0] == '+') &&
             is_space_byte(rest[1])) {
    rest.remove_prefix(1);
  }
  while (!rest.empty() && is_space_byte(rest.front())) rest.remove_prefix(1);
  return rest;
}

bool is_code_fence(std::string_view line) {
  std::size_t pos = 0;
  while (pos < line.size() && is_space_byte(line[pos])) ++pos;
  const std::string_view rest = line.substr(pos);
  return rest.starts_with("```") || rest.starts_with("~~~");
}

bool is_emoji(char32_t c) {
  return (c >= 0x1F000 && c <= 0x1FAFF) ||  // pictographs, emoticons, flags, skin tones
         (c >= 0x2600 && c <= 0x27BF) ||    // miscellaneous symbols and dingbats
         c == 0x231A || c == 0x231B || (c >= 0x23E9 && c <= 0x23F3) ||
         (c >= 0x23F8 && c <= 0x23FA) || c == 0x25B6 || c == 0x25C0 ||
         (c >= 0x25FB && c <= 0x25FE) || (c >= 0x2B05 && c <= 0x2B07) || c == 0x2B1B ||
         c == 0x2B1C || c == 0x2B50 || c == 0x2B55 || c == 0x3030 || c == 0x303D || c == 0x3297 ||
         c == 0x3299;
}

// Invisible characters that only shape an emoji sequence.
bool is_emoji_component(char32_t c) {
  return (c >= 0xFE00 && c <= 0xFE0F) || c == 0x20E3 || (c >= 0xE0020 && c <= 0xE007F);
}

constexpr char32_t kZeroWidthJoiner = 0x200D;

void strip_trailing_spaces(std::string& text) {
  while (!text.empty() && text.back() == ' ') text.pop_back();
}

}  // namespace

std::string filter_markdown(std::string_view text) {
  std::vector<std::string> lines;
  bool in_code_block = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    if (is_code_fence(line)) {
      in_code_block = !in_code_block;
    } else if (in_code_block) {
      lines.emplace_back(line);
    } else if (!is_horizontal_rule(line)) {
      lines.push_back(inline_markdown(strip_block_marker(line)));
    }
    start = end + 1;
  }
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += lines[i];
  }
  return out;
}

std::string filter_emoji(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool after_removed = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto c = utf8::decode(text, pos);
    const std::size_t length = c ? c->length : text.size() - pos;
    const bool remove = c && (is_emoji(c->value) || is_emoji_component(c->value) ||
                              (c->value == kZeroWidthJoiner && after_removed));
    if (remove) {
      after_removed = true;
    } else if (after_removed && text[pos] == ' ' && (out.empty() || out.back() == ' ')) {
      // the space that separated the removed emoji from the next word
    } else {
      if (after_removed && (text[pos] == '\n' || text[pos] == '\r')) strip_trailing_spaces(out);
      out.append(text.substr(pos, length));
      after_removed = false;
    }
    pos += length;
  }
  if (after_removed) strip_trailing_spaces(out);
  return out;
}

std::string filter_for_tts(std::string_view text) {
  return filter_emoji(filter_markdown(text));
}

}  // namespace patter::session
