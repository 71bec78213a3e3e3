#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace patter::net {

// A fixed set of single-threaded event loops. Each unit of work (a phone call) takes one
// executor from next_executor() and stays on it for its whole life, so its state needs no
// locks or strands.
class IoPool {
 public:
  // threads == 0 means one loop per hardware thread (at least one).
  explicit IoPool(std::size_t threads = 0);
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  // Starts one thread per loop; does nothing if already started.
  void start();
  // Asks every loop to stop (pending handlers are abandoned) without waiting.
  void stop();
  // Waits for the loop threads to exit.
  void join();

  // Round-robin over the loops; safe to call from any thread.
  [[nodiscard]] boost::asio::any_io_executor next_executor();
  [[nodiscard]] boost::asio::any_io_executor executor(std::size_t index) const;
  [[nodiscard]] std::size_t size() const { return loops_.size(); }

 private:
  struct Loop;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace patter::net
