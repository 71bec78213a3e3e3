#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace patter::providers {

// One thread running tasks in submission order from a bounded queue. Engines whose libraries are
// blocking or not thread-safe run all their work here, off the calls' event-loop threads.
class SerialWorker {
 public:
  using Task = std::function<void()>;

  explicit SerialWorker(std::size_t queue_capacity);
  // Closes (if not yet closed) and waits for the queued tasks to run. Must not run on the worker.
  ~SerialWorker();
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  // Tasks must not throw. Throws core::Error: rate_limited when the queue is full, shutting_down
  // once closed.
  void post(Task task);
  // Stops accepting tasks. The queued ones still run, then `last_task` (even if the queue is
  // full), then the thread ends.
  void close(Task last_task);

  [[nodiscard]] std::thread::id thread_id() const { return thread_.get_id(); }
  [[nodiscard]] std::size_t queue_capacity() const { return capacity_; }

 private:
  void run();

  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> tasks_;
  bool closed_ = false;
  std::thread thread_;
};

}  // namespace patter::providers
