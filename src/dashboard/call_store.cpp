#include "dashboard/call_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "core/error.hpp"
#include "dashboard/call_json.hpp"
#include "dashboard/call_queries.hpp"
#include "dashboard/call_writes.hpp"
#include "dashboard/schema.hpp"

namespace patter::dashboard {
namespace {

void require_call_id(std::string_view call_id) {
  if (call_id.empty()) throw core::Error(core::Errc::bad_request, "call_id must not be empty");
}

void validate(const CallInfo& info) {
  require_call_id(info.call_id);
  if (!info.direction.empty() && info.direction != "inbound" && info.direction != "outbound") {
    throw core::Error(core::Errc::bad_request,
                      "direction must be inbound or outbound, not \"" + info.direction + "\"");
  }
  (void)parse_json_object(info.agent_json, "agent");
}

std::unique_ptr<SqliteDb> open_migrated(const std::filesystem::path& path) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  auto db = std::make_unique<SqliteDb>(path);
  apply_migrations(*db);
  return db;
}

}  // namespace

CallStore::CallStore(CallStoreOptions options, StoreEventHook on_event)
    : options_(std::move(options)) {
  auto write_db = open_migrated(options_.database_path);
  reader_ = std::make_unique<SqliteDb>(options_.database_path);
  reader_->exec("PRAGMA query_only=ON");
  if (options_.call_log) log_ = std::make_unique<CallLog>(options_.call_log->root, options_.call_log->redaction);
  writer_ = std::make_unique<StoreWriter>(std::move(write_db), options_.write_queue_capacity,
                                          options_.max_batch, std::move(on_event));
  sweep_call_log();
}

CallStore::~CallStore() = default;

std::vector<StoreEvent> CallStore::logged(SqliteDb& db, const std::string& call_id, std::vector<StoreEvent> events,
                                          const session::TurnMetrics* turn) const {
  if (!log_) return events;
  try {
    if (const auto call = find_call_row(db, call_id)) {
      if (turn != nullptr) log_->append_turn(*call, *turn);
      log_->write_metadata(*call);
    }
  } catch (const std::exception& error) {
    spdlog::warn("call log for {}: {}", call_id, error.what());
  }
  return events;
}

void CallStore::sweep_call_log() {
  if (!log_ || options_.call_log->retention_days <= 0) return;
  submit(WritePriority::update, [root = options_.call_log->root, days = options_.call_log->retention_days](SqliteDb&) {
    try {
      const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
      if (const auto removed = prune_call_log(root, days, today); removed > 0) {
        spdlog::info("call log: removed {} day folders older than {} days", removed, days);
      }
    } catch (const std::exception& error) {
      spdlog::warn("call log retention: {}", error.what());
    }
    return std::vector<StoreEvent>{};
  });
}

bool CallStore::submit(WritePriority priority,
                       std::function<std::vector<StoreEvent>(SqliteDb&)> apply) {
  WriteJob job;
  job.priority = priority;
  job.apply = std::move(apply);
  return writer_->submit(std::move(job));
}

bool CallStore::record_call_initiated(CallInfo info) {
  validate(info);
  return submit(WritePriority::update, [this, info = std::move(info)](SqliteDb& db) {
    return logged(db, info.call_id, write_call_initiated(db, info));
  });
}

bool CallStore::record_call_start(CallInfo info) {
  validate(info);
  if (log_ && ++call_starts_ % 50 == 0) sweep_call_log();
  return submit(WritePriority::update, [this, info = std::move(info)](SqliteDb& db) {
    return logged(db, info.call_id, write_call_start(db, info));
  });
}

bool CallStore::update_call_status(StatusUpdate update) {
  require_call_id(update.call_id);
  if (update.status.empty()) throw core::Error(core::Errc::bad_request, "status must be set");
  (void)parse_json_object(update.extra_json, "status extra");
  const auto priority =
      is_terminal_status(update.status) ? WritePriority::essential : WritePriority::update;
  return submit(priority, [this, update = std::move(update)](SqliteDb& db) {
    return logged(db, update.call_id, write_call_status(db, update));
  });
}

bool CallStore::record_turn(std::string call_id, session::TurnMetrics turn, TurnTranscript transcript) {
  require_call_id(call_id);
  const bool mirror = transcript == TurnTranscript::mirror;
  return submit(WritePriority::update,
                [this, call_id = std::move(call_id), turn = std::move(turn), mirror](SqliteDb& db) {
                  return logged(db, call_id, write_turn(db, call_id, turn, mirror), &turn);
                });
}

bool CallStore::record_telephony_price(std::string call_id, double price) {
  require_call_id(call_id);
  return submit(WritePriority::update, [this, call_id = std::move(call_id), price](SqliteDb& db) {
    return logged(db, call_id, write_telephony_price(db, call_id, price));
  });
}

bool CallStore::append_transcript(std::string call_id, TranscriptEntry entry) {
  require_call_id(call_id);
  return submit(WritePriority::update,
                [call_id = std::move(call_id), entry = std::move(entry)](SqliteDb& db) {
                  return write_transcript_entry(db, call_id, entry);
                });
}

void CallStore::record_call_end(CallEnd end) {
  require_call_id(end.call_id);
  submit(WritePriority::essential,
         [this, end = std::move(end)](SqliteDb& db) { return logged(db, end.call_id, write_call_end(db, end)); });
}

std::future<std::vector<std::string>> CallStore::delete_calls(std::vector<std::string> call_ids,
                                                              UnixMs now) {
  auto done = std::make_shared<std::promise<std::vector<std::string>>>();
  auto deleted = std::make_shared<std::vector<std::string>>();
  auto result = done->get_future();
  writer_->submit({
      .priority = WritePriority::essential,
      .apply = [call_ids = std::move(call_ids), now,
                deleted](SqliteDb& db) { return write_soft_delete(db, call_ids, now, *deleted); },
      .on_committed = [done, deleted] { done->set_value(std::move(*deleted)); },
      .on_failed = [done](std::exception_ptr error) { done->set_exception(std::move(error)); },
  });
  return result;
}

std::future<std::int64_t> CallStore::apply_retention(UnixMs now,
                                                     std::chrono::milliseconds max_age) {
  auto done = std::make_shared<std::promise<std::int64_t>>();
  auto removed = std::make_shared<std::int64_t>(0);
  auto result = done->get_future();
  writer_->submit({
      .priority = WritePriority::essential,
      .apply = [cutoff = now - max_age.count(),
                removed](SqliteDb& db) { return write_retention(db, cutoff, *removed); },
      .on_committed = [done, removed] { done->set_value(*removed); },
      .on_failed = [done](std::exception_ptr error) { done->set_exception(std::move(error)); },
  });
  return result;
}

void CallStore::flush() {
  writer_->flush();
}

WriterStats CallStore::writer_stats() const {
  return writer_->stats();
}

std::vector<CallRecord> CallStore::list_calls(std::int64_t limit, std::int64_t offset) const {
  const auto window = static_cast<std::int64_t>(options_.max_calls_in_views);
  offset = std::max<std::int64_t>(offset, 0);
  limit = std::clamp<std::int64_t>(limit, 0, kMaxListLimit);
  limit = std::min(limit, std::max<std::int64_t>(window - offset, 0));
  if (limit == 0) return {};
  std::lock_guard lock(read_mutex_);
  return select_ended_calls(*reader_, limit, offset);
}

CallDetail CallStore::with_details(CallRecord call) const {
  CallDetail detail;
  detail.turns = select_turns(*reader_, call.call_id);
  detail.transcript = select_transcript(*reader_, call.call_id);
  detail.status_history = select_status_history(*reader_, call.call_id);
  detail.call = std::move(call);
  return detail;
}

std::optional<CallDetail> CallStore::get_call(std::string_view call_id) const {
  std::lock_guard lock(read_mutex_);
  const ReadTransaction snapshot(*reader_);
  auto call = find_call_row(*reader_, call_id);
  std::optional<CallDetail> detail;
  if (call) detail = with_details(std::move(*call));
  return detail;
}

std::vector<CallDetail> CallStore::active_calls() const {
  std::lock_guard lock(read_mutex_);
  const ReadTransaction snapshot(*reader_);
  std::vector<CallDetail> details;
  for (auto& call : select_active_calls(*reader_)) details.push_back(with_details(std::move(call)));
  return details;
}

Aggregates CallStore::aggregates() const {
  std::lock_guard lock(read_mutex_);
  const ReadTransaction snapshot(*reader_);
  return select_aggregates(*reader_, static_cast<std::int64_t>(options_.max_calls_in_views));
}

std::vector<CallRecord> CallStore::export_calls(UnixMs from, UnixMs to) const {
  std::lock_guard lock(read_mutex_);
  return select_calls_started_between(*reader_, from, to);
}

}  // namespace patter::dashboard
