#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "core/clock.hpp"

namespace patter::net {

// The production clock: steady time, with timers that fire on one executor (a call's loop).
class AsioClock final : public core::Clock {
 public:
  explicit AsioClock(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

  [[nodiscard]] core::TimePoint now() const override;
  [[nodiscard]] core::WallTime wall_now() const override;
  core::Timer schedule_at(core::TimePoint deadline, std::function<void()> callback) override;

  [[nodiscard]] const boost::asio::any_io_executor& executor() const { return executor_; }

 private:
  boost::asio::any_io_executor executor_;
};

}  // namespace patter::net
