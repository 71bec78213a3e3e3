#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "dashboard/call_records.hpp"

// The reference-compatible call log on disk (PATTER_LOG_DIR):
//   <root>/calls/YYYY/MM/DD/<call id>/metadata.json    rewritten atomically
//   <root>/calls/YYYY/MM/DD/<call id>/transcript.jsonl one line per turn
// Unlike the reference, the date is the call's start date, so a call that spans midnight UTC
// stays in one folder. All calls block on file I/O (with fsync): run them off the call threads.
namespace patter::dashboard {

inline constexpr std::string_view kCallLogSchemaVersion = "1.0";

// How caller and callee numbers appear in metadata.json (PATTER_LOG_REDACT_PHONE).
enum class PhoneRedaction {
  mask,       // "***" and the last four characters (the default)
  full,       // as given
  hash_only,  // "sha256:" and the first 16 hex digits of the number's SHA-256
};

[[nodiscard]] std::optional<PhoneRedaction> parse_phone_redaction(std::string_view text);
[[nodiscard]] std::string redact_phone(std::string_view number, PhoneRedaction redaction);

// The log root for a PATTER_LOG_DIR value: empty means no log; "auto" means
// $XDG_DATA_HOME/patter, else $HOME/.local/share/patter (nullopt when neither is set).
[[nodiscard]] std::optional<std::filesystem::path> resolve_log_root(std::string_view log_dir,
                                                                    std::string_view xdg_data_home,
                                                                    std::string_view home);

// Removes the day folders (<root>/calls/YYYY/MM/DD) dated more than `retention_days` before
// `today` (UTC), and month and year folders left empty; returns how many day folders went.
// Folders that are not dates are left alone. Throws std::filesystem::filesystem_error.
std::size_t prune_call_log(const std::filesystem::path& root, int retention_days,
                           std::chrono::sys_days today);

// Where and how the store also keeps the on-disk log (PATTER_LOG_DIR, PATTER_LOG_REDACT_PHONE,
// PATTER_LOG_RETENTION_DAYS).
struct CallLogOptions {
  std::filesystem::path root;
  PhoneRedaction redaction = PhoneRedaction::mask;
  int retention_days = 30;  // 0: keep everything
};

// The call log the environment asks for: PATTER_LOG_DIR (a path or "auto"; unset or empty: no
// log), PATTER_LOG_REDACT_PHONE, PATTER_LOG_RETENTION_DAYS. Throws core::Error(config_invalid)
// for a bad value, and when "auto" has neither XDG_DATA_HOME nor HOME to go by.
[[nodiscard]] std::optional<CallLogOptions> call_log_options_from_env(const core::EnvLookup& env);

class CallLog {
 public:
  static constexpr std::size_t kMaxFolderNameLength = 64;

  CallLog(std::filesystem::path root, PhoneRedaction redaction);

  // The call's folder: its start date (UTC) and its id with "/" replaced, cut to 64 chars.
  [[nodiscard]] std::filesystem::path call_dir(const CallRecord& call) const;

  // metadata.json from the record; the status reads "in_progress" until the call has ended.
  // `error` is written as null when empty.
  void write_metadata(const CallRecord& call, std::string_view error = {}) const;
  // Appends {schema_version, ts, ...turn} to transcript.jsonl; numbers are not redacted.
  void append_turn(const CallRecord& call, const session::TurnMetrics& turn) const;

 private:
  std::filesystem::path root_;
  PhoneRedaction redaction_;
};

}  // namespace patter::dashboard
