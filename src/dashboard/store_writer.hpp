#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "dashboard/sqlite_db.hpp"
#include "dashboard/store_event.hpp"

namespace patter::dashboard {

enum class WritePriority {
  update,     // may be rejected when the queue is full
  essential,  // a call's end, a terminal status, deletions: always queued
};

struct WriteJob {
  WritePriority priority = WritePriority::update;
  // Runs inside the batch transaction; returns the events to publish after the commit.
  std::function<std::vector<StoreEvent>(SqliteDb&)> apply;
  std::function<void()> on_committed;  // after the job's events are published
  std::function<void(std::exception_ptr)> on_failed;
};

struct WriterStats {
  std::uint64_t committed = 0;
  std::uint64_t rejected = 0;  // updates refused because the queue was full
  std::uint64_t failed = 0;    // jobs whose SQL failed (logged); their batch-mates still commit
  std::size_t queued = 0;
};

// Owns the write connection and the one thread that uses it. Callers never block: submit()
// only appends to a queue. The writer drains the queue in batches, one transaction per batch
// and a savepoint per job, so a failing job is rolled back alone.
//
// Overflow: `capacity` bounds the queued update jobs. When the queue holds `capacity` jobs a
// new update is rejected (submit returns false, stats().rejected grows); essential jobs are
// always accepted, so a call's end and terminal status are never lost. They come at most a
// few per call, which keeps the excess bounded by the number of calls.
class StoreWriter {
 public:
  StoreWriter(std::unique_ptr<SqliteDb> db, std::size_t capacity, std::size_t max_batch,
              StoreEventHook on_event);
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;
  // Writes everything still queued, then stops the thread.
  ~StoreWriter();

  bool submit(WriteJob job);
  // Returns once every job submitted before the call is committed or has failed.
  void flush();
  [[nodiscard]] WriterStats stats() const;

 private:
  void run();
  void write_batch(std::vector<WriteJob>& batch);
  void publish(const std::vector<StoreEvent>& events);

  std::unique_ptr<SqliteDb> db_;
  const std::size_t capacity_;
  const std::size_t max_batch_;
  StoreEventHook on_event_;

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable work_done_;
  std::deque<WriteJob> queue_;
  bool stopping_ = false;
  std::uint64_t submitted_ = 0;
  std::uint64_t finished_ = 0;
  WriterStats stats_;
  std::thread thread_;
};

}  // namespace patter::dashboard
