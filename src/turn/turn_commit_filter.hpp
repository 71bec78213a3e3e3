#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <patter/agent.hpp>

#include "core/clock.hpp"

namespace patter::turn {

enum class CommitVerdict : std::uint8_t {
  commit,
  empty,          // nothing but spaces and punctuation
  hallucination,  // one of the phrases recognisers invent from noise
  duplicate,      // the same text as the previous final, within the duplicate window
  too_soon,       // within the minimum gap after the previous commit
};
std::string_view to_string(CommitVerdict verdict);

// Decides whether a final transcript becomes a user turn. Every final passes through judge(),
// which remembers it (for the duplicate rule) and, when it returns commit, the commit time.
class TurnCommitFilter {
 public:
  explicit TurnCommitFilter(TurnCommitOptions options);

  CommitVerdict judge(std::string_view text, core::TimePoint now);
  // Lower-cased, trimmed, trailing .,!?;: removed: the form the rules compare.
  static std::string normalize(std::string_view text);

 private:
  TurnCommitOptions options_;
  std::string previous_final_;
  std::optional<core::TimePoint> previous_final_at_;
  std::optional<core::TimePoint> previous_commit_at_;
};

}  // namespace patter::turn
