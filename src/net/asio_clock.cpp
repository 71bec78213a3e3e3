#include "net/asio_clock.hpp"

#include <boost/asio/steady_timer.hpp>

namespace patter::net {

core::TimePoint AsioClock::now() const {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::steady_clock::now());
}

core::WallTime AsioClock::wall_now() const { return std::chrono::system_clock::now(); }

core::Timer AsioClock::schedule_at(core::TimePoint deadline, std::function<void()> callback) {
  auto state = std::make_shared<core::detail::TimerState>();
  state->callback = std::move(callback);
  auto timer = std::make_shared<boost::asio::steady_timer>(executor_, deadline);
  state->on_cancel = [timer] { timer->cancel(); };
  timer->async_wait([state, timer](const boost::system::error_code& ec) {
    if (state->finished) return;
    state->finished = true;
    state->on_cancel = nullptr;
    auto fire = std::move(state->callback);
    if (!ec && fire) fire();
  });
  return core::Timer(std::move(state));
}

}  // namespace patter::net
