#include "dashboard/store_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "core/exception_text.hpp"

namespace patter::dashboard {

StoreWriter::StoreWriter(std::unique_ptr<SqliteDb> db, std::size_t capacity, std::size_t max_batch,
                         StoreEventHook on_event)
    : db_(std::move(db)),
      capacity_(capacity),
      max_batch_(std::max<std::size_t>(max_batch, 1)),
      on_event_(std::move(on_event)),
      thread_([this] { run(); }) {}

StoreWriter::~StoreWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_one();
  thread_.join();
}

bool StoreWriter::submit(WriteJob job) {
  {
    std::lock_guard lock(mutex_);
    if (job.priority == WritePriority::update && queue_.size() >= capacity_) {
      ++stats_.rejected;
      return false;
    }
    queue_.push_back(std::move(job));
    ++submitted_;
  }
  work_ready_.notify_one();
  return true;
}

void StoreWriter::flush() {
  std::unique_lock lock(mutex_);
  const auto target = submitted_;
  work_done_.wait(lock, [&] { return finished_ >= target; });
}

WriterStats StoreWriter::stats() const {
  std::lock_guard lock(mutex_);
  auto stats = stats_;
  stats.queued = queue_.size();
  return stats;
}

void StoreWriter::run() {
  std::vector<WriteJob> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      const auto count = std::min(queue_.size(), max_batch_);
      for (std::size_t i = 0; i < count; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    write_batch(batch);
    {
      std::lock_guard lock(mutex_);
      finished_ += batch.size();
    }
    work_done_.notify_all();
    batch.clear();
  }
}

void StoreWriter::write_batch(std::vector<WriteJob>& batch) {
  std::vector<std::vector<StoreEvent>> events(batch.size());
  std::vector<std::exception_ptr> errors(batch.size());
  try {
    Transaction transaction(*db_);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      db_->exec("SAVEPOINT job");
      try {
        events[i] = batch[i].apply(*db_);
        db_->exec("RELEASE job");
      } catch (const std::exception&) {
        errors[i] = std::current_exception();
        db_->exec("ROLLBACK TO job");
        db_->exec("RELEASE job");
      }
    }
    transaction.commit();
  } catch (const std::exception&) {
    const auto error = std::current_exception();
    for (auto& job_error : errors) {
      if (!job_error) job_error = error;
    }
  }

  std::uint64_t committed = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (errors[i]) {
      spdlog::error("call store: write failed: {}", core::exception_text(errors[i]));
      if (batch[i].on_failed) batch[i].on_failed(errors[i]);
      continue;
    }
    ++committed;
    publish(events[i]);
    if (batch[i].on_committed) batch[i].on_committed();
  }
  std::lock_guard lock(mutex_);
  stats_.committed += committed;
  stats_.failed += batch.size() - committed;
}

void StoreWriter::publish(const std::vector<StoreEvent>& events) {
  if (!on_event_) return;
  for (const auto& event : events) {
    try {
      on_event_(event);
    } catch (const std::exception& e) {
      spdlog::warn("call store: event hook threw on {}: {}", event.type, e.what());
    }
  }
}

}  // namespace patter::dashboard
