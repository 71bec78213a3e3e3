#include "net/io_pool.hpp"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>

namespace patter::net {

struct IoPool::Loop {
  // The concurrency hint of 1 lets Asio skip locking inside a loop that only one thread runs.
  boost::asio::io_context context{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
};

IoPool::IoPool(std::size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  loops_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) loops_.push_back(std::make_unique<Loop>());
}

IoPool::~IoPool() {
  stop();
  join();
}

void IoPool::start() {
  if (!threads_.empty()) return;
  threads_.reserve(loops_.size());
  for (auto& loop : loops_) {
    loop->context.restart();
    loop->work.emplace(loop->context.get_executor());
    threads_.emplace_back([context = &loop->context] { context->run(); });
  }
}

void IoPool::stop() {
  for (auto& loop : loops_) {
    loop->work.reset();
    loop->context.stop();
  }
}

void IoPool::join() {
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

boost::asio::any_io_executor IoPool::next_executor() {
  const std::size_t index = next_.fetch_add(1, std::memory_order_relaxed) % loops_.size();
  return loops_[index]->context.get_executor();
}

boost::asio::any_io_executor IoPool::executor(std::size_t index) const {
  return loops_.at(index)->context.get_executor();
}

}  // namespace patter::net
