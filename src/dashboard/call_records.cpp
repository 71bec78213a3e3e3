#include "dashboard/call_records.hpp"

#include <array>
#include <chrono>

namespace patter::dashboard {

UnixMs to_unix_ms(core::WallTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

core::WallTime from_unix_ms(UnixMs ms) {
  return core::WallTime{
      std::chrono::duration_cast<core::WallTime::duration>(std::chrono::milliseconds{ms})};
}

bool is_terminal_status(std::string_view status) {
  constexpr std::array<std::string_view, 6> kTerminal = {"completed", "no-answer", "busy",
                                                         "failed",    "canceled",  "webhook_error"};
  for (const auto terminal : kTerminal) {
    if (status == terminal) return true;
  }
  return false;
}

std::string_view role_name(TranscriptRole role) {
  switch (role) {
    case TranscriptRole::user:
      return "user";
    case TranscriptRole::assistant:
      return "assistant";
    case TranscriptRole::system:
      return "system";
  }
  return "system";
}

std::optional<TranscriptRole> parse_role(std::string_view name) {
  for (const auto role :
       {TranscriptRole::user, TranscriptRole::assistant, TranscriptRole::system}) {
    if (role_name(role) == name) return role;
  }
  return std::nullopt;
}

}  // namespace patter::dashboard
