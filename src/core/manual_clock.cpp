#include "core/manual_clock.hpp"

namespace patter::core {

ManualClock::ManualClock(WallTime wall_epoch) : wall_epoch_(wall_epoch) {}

WallTime ManualClock::wall_now() const {
  return wall_epoch_ + std::chrono::duration_cast<WallTime::duration>(now_.time_since_epoch());
}

Timer ManualClock::schedule_at(TimePoint deadline, std::function<void()> callback) {
  auto state = std::make_shared<detail::TimerState>();
  state->callback = std::move(callback);
  const Key key{deadline < now_ ? now_ : deadline, next_seq_++};
  queue_.emplace(key, state);
  state->on_cancel = [this, key] { queue_.erase(key); };
  return Timer(std::move(state));
}

std::size_t ManualClock::advance(Duration delta) { return advance_to(now_ + delta); }

std::size_t ManualClock::advance_to(TimePoint target) {
  std::size_t fired = 0;
  while (!queue_.empty() && queue_.begin()->first.first <= target) {
    auto node = queue_.extract(queue_.begin());
    auto state = std::move(node.mapped());
    now_ = node.key().first;
    state->finished = true;
    state->on_cancel = nullptr;
    if (auto callback = std::move(state->callback)) {
      callback();
      ++fired;
    }
  }
  if (target > now_) now_ = target;
  return fired;
}

std::optional<TimePoint> ManualClock::next_deadline() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->first.first;
}

}  // namespace patter::core
