#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "dashboard/call_records.hpp"

// Reads the reference-compatible call log back (see call_log.hpp for the layout): one
// metadata.json per call, with its transcript.jsonl, and the soft-deleted ids kept beside
// them in <root>/.deleted_call_ids.json.
namespace patter::dashboard {

// What one call folder holds, ready for the store: how the call started and how it ended.
struct LoggedCall {
  CallInfo start;
  CallEnd end;
};

// Every call under <root>/calls/YYYY/MM/DD/<id>/, oldest first. Folders whose date parts are
// not numeric, metadata that cannot be parsed or has no valid started_at, and ids in
// `skip_ids` are left out; a transcript line that cannot be parsed is skipped. A call whose
// log never recorded an end is closed at started_at + duration_ms with status "failed".
[[nodiscard]] std::vector<LoggedCall> read_call_log(const std::filesystem::path& root,
                                                    const std::set<std::string>& skip_ids = {});

// The ids in <root>/.deleted_call_ids.json (a JSON array of strings); empty when missing.
[[nodiscard]] std::set<std::string> read_deleted_call_ids(const std::filesystem::path& root);
// Adds ids to that file, rewriting it atomically.
void add_deleted_call_ids(const std::filesystem::path& root, const std::vector<std::string>& ids);

}  // namespace patter::dashboard
