#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace patter::session {

struct SentenceChunkerOptions {
  // Sentences shorter than this (in characters) are merged with the next one, unless they are a
  // complete short sentence of at least `min_words_for_short_flush` words.
  std::size_t min_sentence_len = 20;
  std::size_t min_words_for_short_flush = 2;
  // Emit the first clause of a reply early (at >= 40 characters ending in , — or –) so speech
  // starts sooner. Never applied when `language` starts with "it".
  bool aggressive_first_flush = false;
  std::string language = "en";
};

// Splits a streamed LLM reply into sentences ready for TTS. The output depends only on the text,
// never on how it was split into deltas: a boundary is decided only once the characters that
// decide it have arrived, and flush() treats the end of the reply as the final boundary.
class SentenceChunker {
 public:
  explicit SentenceChunker(SentenceChunkerOptions options = {});

  // Appends a delta and returns the sentences completed by it, trimmed, in order.
  std::vector<std::string> push(std::string_view delta);
  // Returns whatever is left (trimmed), if anything, and resets for the next reply.
  std::optional<std::string> flush();
  void reset();

 private:
  enum class Verdict { kBoundary, kNotBoundary, kNeedMoreText };
  struct Judgement {
    Verdict verdict;
    std::size_t end;  // boundary: where the sentence ends; not a boundary: where to resume
  };

  Judgement judge_terminator(std::size_t pos) const;
  Judgement judge_period(std::size_t pos, std::size_t after_closers) const;
  Judgement judge_ellipsis(std::size_t run_end, std::size_t after_closers) const;
  Judgement judge_clause_separator(std::size_t pos, std::size_t length) const;
  bool aggressive_flush_active() const;
  bool short_sentence_may_stand_alone(std::string_view sentence) const;
  void end_sentence(std::size_t end, std::vector<std::string>& out);
  void emit(std::size_t end, std::vector<std::string>& out);

  SentenceChunkerOptions options_;
  std::string buffer_;                 // text not yet emitted
  std::size_t scan_pos_ = 0;           // everything before this has been judged
  std::size_t sentences_pending_ = 0;  // complete sentences held in buffer_ (merging)
  bool emitted_any_ = false;
};

}  // namespace patter::session
