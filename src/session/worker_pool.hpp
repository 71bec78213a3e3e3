#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <patter/executor.hpp>

namespace patter::session {

// Threads for user code (callbacks, hooks, tools, on_message), which may block and so never runs
// on a call's event loop. Each call gets a lane: its jobs run one at a time, in order, while
// different calls' lanes run in parallel.
class WorkerPool : public std::enable_shared_from_this<WorkerPool> {
 public:
  static std::shared_ptr<WorkerPool> create(std::size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // A serial executor over the pool. Jobs posted after shutdown() are dropped.
  std::shared_ptr<Executor> make_lane();
  // Lets queued jobs finish, then joins the threads. Called by the destructor too.
  void shutdown();

 private:
  explicit WorkerPool(std::size_t threads);
  class Lane;
  void schedule(std::shared_ptr<Lane> lane);
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Lane>> ready_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace patter::session
