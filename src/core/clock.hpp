#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace patter::core {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;
using WallTime = std::chrono::system_clock::time_point;

namespace detail {
// Shared between a Timer handle and the clock that will fire it.
struct TimerState {
  std::function<void()> callback;
  std::function<void()> on_cancel;  // lets the owning clock release resources early
  bool finished = false;            // fired or cancelled
};
}  // namespace detail

// Handle to a scheduled callback. Destroying or cancelling it guarantees the callback
// will not run afterwards, so objects can own the timers that call back into them.
class Timer {
 public:
  Timer() = default;
  explicit Timer(std::shared_ptr<detail::TimerState> state) : state_(std::move(state)) {}
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  Timer(Timer&& other) noexcept = default;
  Timer& operator=(Timer&& other) noexcept;
  ~Timer() { cancel(); }

  void cancel();
  [[nodiscard]] bool active() const { return state_ && !state_->finished; }

 private:
  std::shared_ptr<detail::TimerState> state_;
};

// Every component that reads the time or sets a timer takes a Clock. Production code uses
// a clock bound to the call's event loop; tests use ManualClock and advance time explicitly.
// A clock and its timers belong to one executor: they are not thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual TimePoint now() const = 0;
  // Wall-clock time for timestamps shown to users (unix seconds, ISO dates).
  [[nodiscard]] virtual WallTime wall_now() const = 0;
  virtual Timer schedule_at(TimePoint deadline, std::function<void()> callback) = 0;
  Timer schedule_after(Duration delay, std::function<void()> callback) {
    return schedule_at(now() + delay, std::move(callback));
  }
};

// Milliseconds between two time points, as a double (metrics use ms with decimals).
inline double elapsed_ms(TimePoint from, TimePoint to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace patter::core
