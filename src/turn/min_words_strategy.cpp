#include <cctype>

#include <patter/agent.hpp>

namespace patter {

namespace {

std::size_t count_words(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    // Bytes above 0x7F belong to non-ASCII letters: count them as word characters.
    const bool word_char = std::isalnum(byte) != 0 || byte >= 0x80 || c == '\'';
    if (word_char && !in_word) ++words;
    in_word = word_char;
  }
  return words;
}

}  // namespace

bool MinWordsStrategy::evaluate(const BargeInContext& context) {
  const std::size_t needed = context.agent_speaking ? min_words_ : 1;
  return count_words(context.transcript) >= needed;
}

}  // namespace patter
