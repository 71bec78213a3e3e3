#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dashboard/call_log.hpp"
#include "dashboard/call_records.hpp"
#include "dashboard/sqlite_db.hpp"
#include "dashboard/store_event.hpp"
#include "dashboard/store_writer.hpp"

namespace patter::dashboard {

struct CallStoreOptions {
  std::filesystem::path database_path;
  std::size_t max_calls_in_views = 500;  // newest ended calls shown by list_calls and aggregates
  std::size_t write_queue_capacity = 10'000;
  std::size_t max_batch = 256;  // writes per transaction
  // Also keep the reference-compatible log (metadata.json, transcript.jsonl per call), written
  // by the writer thread after each change; old day folders are swept at start and every
  // 50 call starts.
  std::optional<CallLogOptions> call_log;
};

// The dashboard's call store on SQLite, with the reference MetricsStore semantics (0.6.1):
// records are updated in place, so a terminal status that arrives before the media stop keeps
// the turns and transcript and never produces a second row.
//
// Writes are thread-safe and never block: they are validated at once (core::Error bad_request
// for a malformed argument), then applied in order by one writer thread (see StoreWriter for
// the overflow policy). Reads are thread-safe, use their own connection and see committed
// data only; flush() first to read your own writes. Soft-deleted calls are hidden from every
// read but stay on disk.
class CallStore {
 public:
  static constexpr std::int64_t kMaxListLimit = 1000;

  // Opens (creating if needed) the database and brings its schema up to date.
  explicit CallStore(CallStoreOptions options, StoreEventHook on_event = {});
  CallStore(const CallStore&) = delete;
  CallStore& operator=(const CallStore&) = delete;
  ~CallStore();

  // Each returns false when the update was rejected because the write queue is full.
  bool record_call_initiated(CallInfo info);
  bool record_call_start(CallInfo info);
  bool update_call_status(StatusUpdate update);  // a terminal status is never rejected
  // A new turn's words are mirrored into the transcript unless the caller feeds the transcript
  // line by line itself (append_transcript), as the server does.
  enum class TurnTranscript : std::uint8_t { mirror, leave };
  bool record_turn(std::string call_id, session::TurnMetrics turn, TurnTranscript transcript = TurnTranscript::mirror);
  bool append_transcript(std::string call_id, TranscriptEntry entry);
  // What the carrier billed for the call (USD), replacing the estimate.
  bool record_telephony_price(std::string call_id, double price);
  // Never rejected.
  void record_call_end(CallEnd end);
  // Soft-deletes the given ended calls (active ones are skipped); resolves to the ids hidden.
  std::future<std::vector<std::string>> delete_calls(std::vector<std::string> call_ids, UnixMs now);
  // Removes from disk the ended calls that started more than `max_age` before `now`;
  // resolves to how many were removed.
  std::future<std::int64_t> apply_retention(UnixMs now, std::chrono::milliseconds max_age);

  void flush();
  [[nodiscard]] WriterStats writer_stats() const;

  // Ended calls, newest first; limit is clamped to [0, kMaxListLimit] and the window to the
  // max_calls_in_views newest.
  [[nodiscard]] std::vector<CallRecord> list_calls(std::int64_t limit, std::int64_t offset) const;
  [[nodiscard]] std::optional<CallDetail> get_call(std::string_view call_id) const;
  // Calls not ended yet, newest first, with their turns and transcript so far.
  [[nodiscard]] std::vector<CallDetail> active_calls() const;
  [[nodiscard]] Aggregates aggregates() const;
  // Ended calls started in [from, to), newest first; not limited to the view window.
  [[nodiscard]] std::vector<CallRecord> export_calls(UnixMs from, UnixMs to) const;

 private:
  bool submit(WritePriority priority, std::function<std::vector<StoreEvent>(SqliteDb&)> apply);
  // Adds turns, transcript and status history; the caller holds read_mutex_.
  [[nodiscard]] CallDetail with_details(CallRecord call) const;
  // On the writer thread, after a change to `call_id`: brings its log files up to date. A file
  // error is logged and changes nothing in the database.
  std::vector<StoreEvent> logged(SqliteDb& db, const std::string& call_id, std::vector<StoreEvent> events,
                                 const session::TurnMetrics* turn = nullptr) const;
  void sweep_call_log();

  CallStoreOptions options_;
  std::unique_ptr<const CallLog> log_;
  std::atomic<std::uint64_t> call_starts_{0};
  mutable std::mutex read_mutex_;
  std::unique_ptr<SqliteDb> reader_;
  std::unique_ptr<StoreWriter> writer_;
};

}  // namespace patter::dashboard
