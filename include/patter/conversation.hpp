#pragma once

#include <string>
#include <vector>

namespace patter {

// One line of a call's conversation as users see it (transcripts, callbacks, hooks).
struct HistoryEntry {
  std::string role;  // "user", "assistant" or "system"
  std::string text;
  double timestamp = 0.0;  // unix seconds
  bool operator==(const HistoryEntry&) const = default;
};

// A call's history keeps at most this many entries (oldest dropped first).
inline constexpr std::size_t kMaxHistoryEntries = 200;

// Who is on the call, as every callback, hook and tool sees it.
struct CallParties {
  std::string call_id;
  std::string caller;
  std::string callee;
};

}  // namespace patter
