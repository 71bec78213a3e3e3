#include "turn/turn_commit_filter.hpp"

#include <algorithm>
#include <cctype>

namespace patter::turn {

std::string_view to_string(CommitVerdict verdict) {
  switch (verdict) {
    case CommitVerdict::commit:
      return "commit";
    case CommitVerdict::empty:
      return "empty";
    case CommitVerdict::hallucination:
      return "hallucination";
    case CommitVerdict::duplicate:
      return "duplicate";
    case CommitVerdict::too_soon:
      return "too_soon";
  }
  return "unknown";
}

TurnCommitFilter::TurnCommitFilter(TurnCommitOptions options) : options_(std::move(options)) {
  for (auto& phrase : options_.hallucinations) phrase = normalize(phrase);
}

std::string TurnCommitFilter::normalize(std::string_view text) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  // A lone "." is itself on the hallucination list, so keep one trailing character.
  while (out.size() > 1 && std::string_view(".,!?;:").find(out.back()) != std::string_view::npos) {
    out.pop_back();
    while (!out.empty() && is_space(out.back())) out.pop_back();
  }
  return out;
}

CommitVerdict TurnCommitFilter::judge(std::string_view text, core::TimePoint now) {
  const std::string normalized = normalize(text);
  const bool has_word = std::any_of(normalized.begin(), normalized.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) >= 0x80;
  });
  const bool listed = std::find(options_.hallucinations.begin(), options_.hallucinations.end(),
                                normalized) != options_.hallucinations.end();
  const bool duplicate = previous_final_at_ && normalized == previous_final_ &&
                         now - *previous_final_at_ < options_.duplicate_window;
  previous_final_ = normalized;
  previous_final_at_ = now;
  if (listed) return CommitVerdict::hallucination;
  if (!has_word) return CommitVerdict::empty;
  if (duplicate) return CommitVerdict::duplicate;
  if (previous_commit_at_ && now - *previous_commit_at_ < options_.min_gap) {
    return CommitVerdict::too_soon;
  }
  previous_commit_at_ = now;
  return CommitVerdict::commit;
}

}  // namespace patter::turn
