#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <mutex>
#include <string>

#include <patter/providers.hpp>

namespace patter::net {

class IoPool;

// Where a call's network work runs: the call's own event loop when its executor is a
// AsioExecutor (events are then delivered right there, relay null), otherwise a loop this
// object starts on first need, with events posted to the call's executor (relay).
struct CallLoop {
  boost::asio::any_io_executor loop;
  std::shared_ptr<Executor> relay;
};

class CallLoops {
 public:
  explicit CallLoops(std::string provider);
  ~CallLoops();
  CallLoops(const CallLoops&) = delete;
  CallLoops& operator=(const CallLoops&) = delete;

  // Thread-safe. Throws std::invalid_argument when context.executor is null.
  CallLoop route(const StreamContext& context);

 private:
  std::string provider_;
  std::mutex mutex_;
  std::unique_ptr<IoPool> own_loop_;
};

}  // namespace patter::net
