#include "session/sentence_chunker.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "session/utf8.hpp"

namespace patter::session {
namespace {

// Titles written before a name: their period never ends a sentence ("Dr. Smith").
constexpr auto kPrefixes = std::to_array<std::string_view>(
    {"Mr",  "St",   "Mrs", "Ms",   "Dr",   "Sig", "Sgr",   "Dott", "Prof", "Avv",
     "Ing", "Geom", "Rag", "Arch", "On",   "Egr", "Spett", "Gent", "Ill",  "Gen",
     "Sen", "Rep",  "Lt",  "Cpt",  "Capt", "Col", "Cmdr",  "Adm"});

// Abbreviations that usually continue the sentence but may also end it ("Acme Inc. The ...").
constexpr auto kSuffixes = std::to_array<std::string_view>(
    {"Inc", "Ltd", "Jr",  "Sr",  "Co", "ecc", "cit", "cap",  "sez", "art", "pag",
     "fig", "tab", "cfr", "vol", "ed", "vs",  "etc", "No",   "Vol", "pp",  "cf",
     "ca",  "op",  "Mt",  "Hwy", "Rt", "Pl",  "Ave", "Blvd", "Sq"});

// Words that start a new sentence after a suffix-like abbreviation. "I" is left out on purpose:
// it also appears as an initial ("J. I. Smith").
constexpr auto kSentenceStarters = std::to_array<std::string_view>(
    {"The",    "This",   "That",  "These", "Those",  "It",    "He",     "She",     "We",
     "They",   "You",    "There", "Then",  "But",    "And",   "So",     "However", "My",
     "Our",    "Your",   "His",   "Her",   "Their",  "A",     "An",     "What",    "When",
     "Where",  "Why",    "How",   "Who",   "Please", "Thank", "Thanks", "Yes",     "Let",
     "If",     "In",     "Il",    "La",    "Lo",     "Gli",   "Le",     "Un",      "Una",
     "Questo", "Questa", "Poi",   "Ma",    "Grazie", "Io",    "Noi"});

constexpr std::size_t kAggressiveMinClauseLen = 40;
constexpr std::size_t kCurrencyLookback = 8;

bool is_wide_terminator(char32_t c) {
  switch (c) {
    case U'。':
    case U'！':
    case U'？':
    case U'；':
    case U'．':
    case U'｡':
    case U'।':
    case U'॥':
    case U'؟':
    case U'؛':
    case U'۔':
    case U'؏':
    case U'։':
    case U'፧':
    case U'።':
    case U'។':
    case U'៕':
    case U'။':
    case U'༎':
    case U'༏':
      return true;
    default:
      return false;
  }
}

bool is_terminator(char32_t c) {
  return c == '.' || c == '!' || c == '?' || c == ';' || c == U'…' || is_wide_terminator(c);
}

// Characters that may follow a terminator and still belong to the sentence it ends.
bool is_closer(char32_t c) {
  switch (c) {
    case '"':
    case '\'':
    case ')':
    case ']':
    case '}':
    case U'”':
    case U'’':
    case U'»':
    case U'」':
    case U'』':
    case U'）':
      return true;
    default:
      return false;
  }
}

bool is_opener(char32_t c) {
  switch (c) {
    case '"':
    case '\'':
    case '(':
    case '[':
    case '{':
    case U'“':
    case U'‘':
    case U'«':
    case U'¿':
    case U'¡':
      return true;
    default:
      return false;
  }
}

bool is_quote(char32_t c) {
  return c == '"' || c == '\'' || c == U'“' || c == U'”' || c == U'‘' || c == U'’' || c == U'«' ||
         c == U'»';
}

bool is_clause_separator(char32_t c) {
  return c == ',' || c == U'—' || c == U'–';
}

bool is_currency(char32_t c) {
  return c == '$' || c == U'€' || c == U'£' || c == U'¥' || c == U'₹' || c == U'₩';
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// The word written right before position `end`: back to the previous whitespace, without the
// opening quotes or brackets in front of it.
std::string_view word_before(std::string_view text, std::size_t end) {
  std::size_t start = end;
  while (start > 0) {
    const std::size_t prev = utf8::last_char_start(text.substr(0, start));
    const auto c = utf8::decode(text, prev);
    if (c && utf8::is_space(c->value)) break;
    start = prev;
  }
  std::string_view word = text.substr(start, end - start);
  while (!word.empty()) {
    const auto c = utf8::decode(word, 0);
    if (!c || !is_opener(c->value)) break;
    word.remove_prefix(c->length);
  }
  return word;
}

// "U.S", "e.g", "Ph.D", "a.m": pieces of one or two ASCII letters joined by periods.
bool is_dotted_acronym(std::string_view word) {
  std::size_t pieces = 0;
  std::size_t piece_len = 0;
  for (const char ch : word) {
    if (ch == '.') {
      if (piece_len == 0) return false;
      ++pieces;
      piece_len = 0;
    } else if (utf8::is_ascii_letter(static_cast<unsigned char>(ch)) && piece_len < 2) {
      ++piece_len;
    } else {
      return false;
    }
  }
  return piece_len > 0 && pieces >= 1;
}

enum class PeriodWord { kOrdinary, kPrefix, kAbbreviation };

PeriodWord classify_period_word(std::string_view word) {
  if (word.empty()) return PeriodWord::kOrdinary;
  if (contains(kPrefixes, word)) return PeriodWord::kPrefix;
  const bool single_letter =
      word.size() == 1 && utf8::is_ascii_letter(static_cast<unsigned char>(word[0]));
  if (single_letter || is_dotted_acronym(word) || contains(kSuffixes, word)) {
    return PeriodWord::kAbbreviation;
  }
  return PeriodWord::kOrdinary;
}

std::size_t count_words(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto c = utf8::decode(text, pos);
    const std::size_t step = c ? c->length : text.size() - pos;
    const bool space = c && utf8::is_space(c->value);
    if (!space && !in_word) ++words;
    in_word = !space;
    pos += step;
  }
  return words;
}

// Removes trailing characters matching `predicate`; returns what was removed.
template <typename Predicate>
std::string_view strip_trailing(std::string_view& text, Predicate predicate) {
  const std::size_t original = text.size();
  while (!text.empty()) {
    const std::size_t start = utf8::last_char_start(text);
    const auto c = utf8::decode(text, start);
    if (!c || !predicate(c->value)) break;
    text.remove_suffix(text.size() - start);
  }
  return std::string_view(text.data() + text.size(), original - text.size());
}

}  // namespace

SentenceChunker::SentenceChunker(SentenceChunkerOptions options) : options_(std::move(options)) {}

std::vector<std::string> SentenceChunker::push(std::string_view delta) {
  buffer_.append(delta);
  std::vector<std::string> sentences;
  while (scan_pos_ < buffer_.size()) {
    const auto c = utf8::decode(buffer_, scan_pos_);
    if (!c) break;
    std::optional<Judgement> judgement;
    if (is_terminator(c->value)) {
      judgement = judge_terminator(scan_pos_);
    } else if (is_clause_separator(c->value) && aggressive_flush_active()) {
      judgement = judge_clause_separator(scan_pos_, c->length);
    }
    if (!judgement) {
      scan_pos_ += c->length;
      continue;
    }
    if (judgement->verdict == Verdict::kNeedMoreText) break;
    if (judgement->verdict == Verdict::kNotBoundary) {
      scan_pos_ = judgement->end;
    } else if (is_terminator(c->value)) {
      end_sentence(judgement->end, sentences);
    } else {
      emit(judgement->end, sentences);
    }
  }
  return sentences;
}

std::optional<std::string> SentenceChunker::flush() {
  std::string rest(utf8::trim(buffer_));
  reset();
  if (rest.empty()) return std::nullopt;
  return rest;
}

void SentenceChunker::reset() {
  buffer_.clear();
  scan_pos_ = 0;
  sentences_pending_ = 0;
  emitted_any_ = false;
}

SentenceChunker::Judgement SentenceChunker::judge_terminator(std::size_t pos) const {
  std::size_t run_end = pos;
  std::size_t periods = 0;
  bool strong = false;  // ! ? ; end a sentence whatever came before them
  bool wide = false;    // terminators of scripts written without a space after them
  bool ellipsis = false;
  while (run_end < buffer_.size()) {
    const auto c = utf8::decode(buffer_, run_end);
    if (!c) return {Verdict::kNeedMoreText, pos};
    if (!is_terminator(c->value)) break;
    if (c->value == '.') ++periods;
    strong = strong || c->value == '!' || c->value == '?' || c->value == ';';
    wide = wide || is_wide_terminator(c->value);
    ellipsis = ellipsis || c->value == U'…';
    run_end += c->length;
  }
  std::size_t after = run_end;
  while (after < buffer_.size()) {
    const auto c = utf8::decode(buffer_, after);
    if (!c) return {Verdict::kNeedMoreText, pos};
    if (!is_closer(c->value)) break;
    after += c->length;
  }
  if (after >= buffer_.size()) return {Verdict::kNeedMoreText, pos};
  if (wide) return {Verdict::kBoundary, after};

  const auto next = utf8::decode(buffer_, after);
  if (!next) return {Verdict::kNeedMoreText, pos};
  // "3.14", "example.com", "e.g" and "Hello!World" are not sentence ends.
  if (!utf8::is_space(next->value)) return {Verdict::kNotBoundary, run_end};
  if (strong) return {Verdict::kBoundary, after};
  if (ellipsis || periods > 1) return judge_ellipsis(run_end, after);
  return judge_period(pos, after);
}

// A trailing-off "..." continues the sentence unless the next word starts with a capital.
SentenceChunker::Judgement SentenceChunker::judge_ellipsis(std::size_t run_end,
                                                           std::size_t after_closers) const {
  std::size_t pos = after_closers;
  while (pos < buffer_.size()) {
    const auto c = utf8::decode(buffer_, pos);
    if (!c) break;
    if (!utf8::is_space(c->value)) {
      if (utf8::is_ascii_upper(c->value)) return {Verdict::kBoundary, after_closers};
      return {Verdict::kNotBoundary, run_end};
    }
    pos += c->length;
  }
  return {Verdict::kNeedMoreText, run_end};
}

SentenceChunker::Judgement SentenceChunker::judge_period(std::size_t pos,
                                                         std::size_t after_closers) const {
  const std::size_t resume = pos + 1;
  switch (classify_period_word(word_before(buffer_, pos))) {
    case PeriodWord::kOrdinary:
      return {Verdict::kBoundary, after_closers};
    case PeriodWord::kPrefix:
      return {Verdict::kNotBoundary, resume};
    case PeriodWord::kAbbreviation:
      break;
  }
  std::size_t word_start = after_closers;
  while (word_start < buffer_.size() &&
         utf8::is_space(static_cast<unsigned char>(buffer_[word_start]))) {
    ++word_start;
  }
  std::size_t word_end = word_start;
  while (word_end < buffer_.size() &&
         utf8::is_ascii_letter(static_cast<unsigned char>(buffer_[word_end]))) {
    ++word_end;
  }
  // The next word is only known once a character after it has arrived.
  if (word_end >= buffer_.size()) return {Verdict::kNeedMoreText, pos};
  const std::string_view next_word(buffer_.data() + word_start, word_end - word_start);
  if (contains(kSentenceStarters, next_word)) return {Verdict::kBoundary, after_closers};
  return {Verdict::kNotBoundary, resume};
}

SentenceChunker::Judgement SentenceChunker::judge_clause_separator(std::size_t pos,
                                                                   std::size_t length) const {
  const std::size_t after = pos + length;
  if (after >= buffer_.size()) return {Verdict::kNeedMoreText, pos};
  const auto next = utf8::decode(buffer_, after);
  if (!next) return {Verdict::kNeedMoreText, pos};
  const Judgement keep_going{Verdict::kNotBoundary, after};

  const std::string_view clause(buffer_.data(), after);
  if (utf8::length(utf8::trim(clause)) < kAggressiveMinClauseLen) return keep_going;
  if (is_quote(next->value)) return keep_going;

  std::string_view before(buffer_.data(), pos);
  const std::size_t prev_start = utf8::last_char_start(before);
  const auto prev = before.empty() ? std::nullopt : utf8::decode(before, prev_start);
  if (prev && utf8::is_ascii_digit(prev->value) && utf8::is_ascii_digit(next->value)) {
    return keep_going;  // 1,000 or 3,5
  }
  std::string_view lookback = before;
  for (std::size_t i = 0; i < kCurrencyLookback && !lookback.empty(); ++i) {
    const std::size_t start = utf8::last_char_start(lookback);
    const auto c = utf8::decode(lookback, start);
    if (c && is_currency(c->value)) return keep_going;
    lookback.remove_suffix(lookback.size() - start);
  }
  const std::string_view trimmed_before = utf8::trim(before);
  if (trimmed_before.ends_with("...") || trimmed_before.ends_with("…")) return keep_going;

  int open_brackets = 0;
  int double_quotes = 0;
  for (const char ch : clause) {
    if (ch == '(' || ch == '[' || ch == '{') ++open_brackets;
    if (ch == ')' || ch == ']' || ch == '}') --open_brackets;
    if (ch == '"') ++double_quotes;
  }
  if (open_brackets > 0 || double_quotes % 2 != 0) return keep_going;
  return {Verdict::kBoundary, after};
}

bool SentenceChunker::aggressive_flush_active() const {
  if (!options_.aggressive_first_flush || emitted_any_) return false;
  const std::string_view language = options_.language;
  const bool italian = language.size() >= 2 &&
                       std::tolower(static_cast<unsigned char>(language[0])) == 'i' &&
                       std::tolower(static_cast<unsigned char>(language[1])) == 't';
  return !italian;
}

bool SentenceChunker::short_sentence_may_stand_alone(std::string_view sentence) const {
  if (count_words(sentence) < options_.min_words_for_short_flush) return false;
  std::string_view body = sentence;
  strip_trailing(body, is_closer);
  const std::string_view terminators = strip_trailing(body, is_terminator);
  if (body.empty()) return false;
  const auto last = utf8::decode(body, utf8::last_char_start(body));
  if (last && utf8::is_ascii_digit(last->value)) return false;  // "Step 2." or "$5."
  if (terminators == ".") {
    const std::string_view word = word_before(body, body.size());
    const bool short_capitals =
        !word.empty() && word.size() <= 3 && std::all_of(word.begin(), word.end(), [](char ch) {
          return utf8::is_ascii_upper(static_cast<unsigned char>(ch));
        });
    if (short_capitals) return false;  // "USA." is likely an abbreviation mid-sentence
  }
  return true;
}

void SentenceChunker::end_sentence(std::size_t end, std::vector<std::string>& out) {
  ++sentences_pending_;
  const std::string_view text = utf8::trim(std::string_view(buffer_.data(), end));
  const bool long_enough = utf8::length(text) >= options_.min_sentence_len;
  if (long_enough || (sentences_pending_ == 1 && short_sentence_may_stand_alone(text))) {
    emit(end, out);
  } else {
    scan_pos_ = end;
  }
}

void SentenceChunker::emit(std::size_t end, std::vector<std::string>& out) {
  std::string text(utf8::trim(std::string_view(buffer_.data(), end)));
  if (!text.empty()) out.push_back(std::move(text));
  buffer_.erase(0, end);
  scan_pos_ = 0;
  sentences_pending_ = 0;
  emitted_any_ = true;
}

}  // namespace patter::session
