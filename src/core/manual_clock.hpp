#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "core/clock.hpp"

namespace patter::core {

// A virtual clock for tests: time stands still until advance() is called, and timers fire
// in deadline order (ties in scheduling order) with now() equal to each timer's deadline.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(WallTime wall_epoch = WallTime{std::chrono::seconds{1'700'000'000}});

  [[nodiscard]] TimePoint now() const override { return now_; }
  [[nodiscard]] WallTime wall_now() const override;
  Timer schedule_at(TimePoint deadline, std::function<void()> callback) override;

  // Moves time forward by `delta`, firing every timer that falls due on the way, including
  // timers scheduled by callbacks. Returns how many callbacks ran.
  std::size_t advance(Duration delta);
  std::size_t advance_to(TimePoint target);
  // Fires timers already due at the current time.
  std::size_t run_due() { return advance_to(now_); }

  [[nodiscard]] std::size_t pending() const { return queue_.size(); }
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;

 private:
  using Key = std::pair<TimePoint, std::uint64_t>;
  TimePoint now_{};
  WallTime wall_epoch_;
  std::uint64_t next_seq_ = 0;
  std::map<Key, std::shared_ptr<detail::TimerState>> queue_;
};

}  // namespace patter::core
