#include "providers/embedded/serial_worker.hpp"

#include <utility>

#include "core/error.hpp"

namespace patter::providers {

SerialWorker::SerialWorker(std::size_t queue_capacity) : capacity_(queue_capacity) {
  if (capacity_ == 0) {
    throw core::Error(core::Errc::config_invalid, "worker queue capacity must be positive");
  }
  thread_ = std::thread([this] { run(); });
}

SerialWorker::~SerialWorker() {
  close({});
  thread_.join();
}

void SerialWorker::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      throw core::Error(core::Errc::shutting_down, "embedded engine worker has stopped");
    }
    if (tasks_.size() >= capacity_) {
      throw core::Error(core::Errc::rate_limited, "embedded engine worker queue is full");
    }
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void SerialWorker::close(Task last_task) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      return;
    }
    closed_ = true;
    if (last_task) {
      tasks_.push_back(std::move(last_task));
    }
  }
  wake_.notify_one();
}

void SerialWorker::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return closed_ || !tasks_.empty(); });
    if (tasks_.empty()) {
      return;
    }
    Task task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    task = nullptr;
    lock.lock();
  }
}

}  // namespace patter::providers
