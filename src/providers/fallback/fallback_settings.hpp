#pragma once

#include <chrono>
#include <memory>

#include "core/clock.hpp"

namespace patter::providers {

// How a fallback chain behaves (include/patter/fallback.hpp), with the clock it reads.
struct FallbackSettings {
  int max_retry_per_provider = 1;
  core::Duration recovery_interval = std::chrono::seconds(30);
  std::chrono::milliseconds replay_window{std::chrono::seconds(10)};
  bool warm_standby = false;
  // Only now() is read: a provider's recovery is checked when a request asks for it. Null:
  // steady time.
  std::shared_ptr<const core::Clock> clock;
};

// Throws core::Error (config_invalid) for a negative max_retry_per_provider, or a
// recovery_interval or replay_window that is not positive.
void validate(const FallbackSettings& settings);

// `clock`, or steady time when it is null.
std::shared_ptr<const core::Clock> clock_or_steady(std::shared_ptr<const core::Clock> clock);

}  // namespace patter::providers
