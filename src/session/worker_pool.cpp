#include "session/worker_pool.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace patter::session {

class WorkerPool::Lane final : public Executor, public std::enable_shared_from_this<Lane> {
 public:
  explicit Lane(std::weak_ptr<WorkerPool> pool) : pool_(std::move(pool)) {}

  void post(std::function<void()> task) override {
    bool schedule_now = false;
    {
      const std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
      schedule_now = !scheduled_;
      scheduled_ = true;
    }
    if (!schedule_now) return;
    if (auto pool = pool_.lock()) {
      pool->schedule(shared_from_this());
    }
  }

  // Runs the lane's jobs until it is empty; the lane is then free to be scheduled again.
  void drain() {
    for (;;) {
      std::function<void()> task;
      {
        const std::lock_guard lock(mutex_);
        if (tasks_.empty()) {
          scheduled_ = false;
          return;
        }
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      try {
        task();
      } catch (const std::exception& error) {
        spdlog::warn("user code raised: {}", error.what());
      } catch (...) {
        spdlog::warn("user code raised a non-standard exception");
      }
    }
  }

 private:
  std::weak_ptr<WorkerPool> pool_;
  std::mutex mutex_;
  std::deque<std::function<void()>> tasks_;
  bool scheduled_ = false;
};

std::shared_ptr<WorkerPool> WorkerPool::create(std::size_t threads) {
  return std::shared_ptr<WorkerPool>(new WorkerPool(threads == 0 ? 1 : threads));
}

WorkerPool::WorkerPool(std::size_t threads) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() { shutdown(); }

std::shared_ptr<Executor> WorkerPool::make_lane() {
  return std::make_shared<Lane>(weak_from_this());
}

void WorkerPool::schedule(std::shared_ptr<Lane> lane) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) return;
    ready_.push_back(std::move(lane));
  }
  wake_.notify_one();
}

void WorkerPool::run() {
  for (;;) {
    std::shared_ptr<Lane> lane;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
      if (ready_.empty()) return;
      lane = std::move(ready_.front());
      ready_.pop_front();
    }
    lane->drain();
  }
}

void WorkerPool::shutdown() {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) thread.join();
  }
  threads_.clear();
}

}  // namespace patter::session
