#include "core/clock.hpp"

namespace patter::core {

Timer& Timer::operator=(Timer&& other) noexcept {
  if (this != &other) {
    cancel();
    state_ = std::move(other.state_);
  }
  return *this;
}

void Timer::cancel() {
  if (!state_) return;
  auto state = std::move(state_);
  if (state->finished) return;
  state->finished = true;
  state->callback = nullptr;
  if (auto on_cancel = std::move(state->on_cancel)) on_cancel();
}

}  // namespace patter::core
