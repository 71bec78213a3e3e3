#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

#include <patter/executor.hpp>

namespace patter::core {

// An executor for tests: posted tasks wait until run_pending() runs them on the caller's thread,
// so a test decides exactly when asynchronous work happens.
class ManualExecutor final : public Executor {
 public:
  void post(std::function<void()> task) override;
  // Runs tasks, including those posted while running, until none is left. Returns how many ran.
  std::size_t run_pending();
  [[nodiscard]] std::size_t pending() const;

 private:
  mutable std::mutex mutex_;
  std::deque<std::function<void()>> tasks_;
};

}  // namespace patter::core
