#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <patter/providers.hpp>

namespace patter::core {
class Clock;
}  // namespace patter::core

namespace patter::net {

class IoPool;

// The clock a provider's stream or session on `loop` uses for its timers (keep-alives,
// reconnect delays, readiness timeouts); empty: the real clock.
using LoopClockFactory =
    std::function<std::shared_ptr<core::Clock>(const boost::asio::any_io_executor& loop)>;

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
