#include "core/manual_executor.hpp"

#include <utility>

namespace patter::core {

void ManualExecutor::post(std::function<void()> task) {
  const std::lock_guard lock(mutex_);
  tasks_.push_back(std::move(task));
}

std::size_t ManualExecutor::run_pending() {
  std::size_t ran = 0;
  for (;;) {
    std::function<void()> task;
    {
      const std::lock_guard lock(mutex_);
      if (tasks_.empty()) return ran;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
    ++ran;
  }
}

std::size_t ManualExecutor::pending() const {
  const std::lock_guard lock(mutex_);
  return tasks_.size();
}

}  // namespace patter::core
