#include "providers/fallback/fallback_settings.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <string>

#include "core/error.hpp"
#include "net/asio_clock.hpp"

namespace patter::providers {

void validate(const FallbackSettings& settings) {
  const auto invalid = [](const char* message) {
    throw core::Error(core::Errc::config_invalid, std::string("fallback: ") + message);
  };
  if (settings.max_retry_per_provider < 0) invalid("max_retry_per_provider must not be negative");
  if (settings.recovery_interval <= core::Duration::zero()) {
    invalid("recovery_interval must be positive");
  }
  if (settings.replay_window <= std::chrono::milliseconds::zero()) {
    invalid("replay_window must be positive");
  }
}

std::shared_ptr<const core::Clock> clock_or_steady(std::shared_ptr<const core::Clock> clock) {
  if (clock) return clock;
  // The chain sets no timers, so this clock needs no event loop.
  return std::make_shared<net::AsioClock>(boost::asio::any_io_executor{});
}

}  // namespace patter::providers
