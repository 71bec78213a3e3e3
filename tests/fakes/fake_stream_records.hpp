#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

namespace patter::fakes {

// What a streaming fake records of each connection, shared between its handlers (which add and
// update records) and the test (which reads them or waits for them). Thread-safe.
template <typename Record>
class FakeStreamRecords {
 public:
  // Returns the new record's index.
  std::size_t add(Record record) {
    const std::lock_guard lock(mutex_);
    records_.push_back(std::move(record));
    changed_.notify_all();
    return records_.size() - 1;
  }

  template <typename Fn>
  void update(std::size_t index, Fn change) {
    const std::lock_guard lock(mutex_);
    change(records_[index]);
    changed_.notify_all();
  }

  [[nodiscard]] std::vector<Record> snapshot() const {
    const std::lock_guard lock(mutex_);
    return records_;
  }

  // Waits until `done` holds for the records; false if it still does not after `timeout`.
  bool wait_for(const std::function<bool(const std::vector<Record>&)>& done,
                std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done(records_); });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<Record> records_;
};

}  // namespace patter::fakes
