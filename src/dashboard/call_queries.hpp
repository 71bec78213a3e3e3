#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "dashboard/call_records.hpp"
#include "dashboard/sqlite_db.hpp"

// Read queries over one connection. Soft-deleted calls are invisible to all of them.
namespace patter::dashboard {

[[nodiscard]] std::optional<CallRecord> find_call_row(SqliteDb& db, std::string_view call_id);
// Ended calls, newest first.
[[nodiscard]] std::vector<CallRecord> select_ended_calls(SqliteDb& db, std::int64_t limit,
                                                         std::int64_t offset);
// Calls not ended yet, newest first.
[[nodiscard]] std::vector<CallRecord> select_active_calls(SqliteDb& db);
// Ended calls with started_at in [from, to), newest first.
[[nodiscard]] std::vector<CallRecord> select_calls_started_between(SqliteDb& db, UnixMs from,
                                                                   UnixMs to);
[[nodiscard]] std::vector<session::TurnMetrics> select_turns(SqliteDb& db,
                                                             std::string_view call_id);
[[nodiscard]] std::vector<TranscriptEntry> select_transcript(SqliteDb& db,
                                                             std::string_view call_id);
[[nodiscard]] std::vector<StatusChange> select_status_history(SqliteDb& db,
                                                              std::string_view call_id);
// Over the `window` newest ended calls, plus the count of active calls.
[[nodiscard]] Aggregates select_aggregates(SqliteDb& db, std::int64_t window);

}  // namespace patter::dashboard
