#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace patter::providers {

// Which providers of one fallback chain are usable now. Shared by every call the chain serves,
// so a provider one call found failing is skipped by the others too. Thread-safe.
class ProviderHealth {
 public:
  // `labels` name the providers (their name()) in logs and failure messages, in chain order.
  ProviderHealth(std::vector<std::string> labels, std::shared_ptr<const core::Clock> clock,
                 core::Duration recovery_interval);

  // The order a new request tries the providers: the healthy ones in chain order, then those
  // still skipped after a failure, the soonest to recover first.
  [[nodiscard]] std::vector<std::size_t> attempt_order() const;
  // The provider a request would go to now.
  [[nodiscard]] std::size_t preferred() const;
  [[nodiscard]] bool healthy(std::size_t index) const;

  // Skips the provider for the recovery interval from now.
  void mark_failed(std::size_t index, const std::string& reason);
  // The provider answered: it is healthy again at once.
  void mark_working(std::size_t index);

  [[nodiscard]] const std::string& label(std::size_t index) const { return labels_.at(index); }
  // "provider 2 (deepgram)", for logs: a chain may hold the same provider twice.
  [[nodiscard]] std::string describe(std::size_t index) const;
  [[nodiscard]] std::size_t size() const { return labels_.size(); }

 private:
  [[nodiscard]] std::vector<std::size_t> order_locked(core::TimePoint now) const;

  std::vector<std::string> labels_;
  std::shared_ptr<const core::Clock> clock_;
  core::Duration recovery_interval_;
  mutable std::mutex mutex_;
  std::vector<std::optional<core::TimePoint>> skipped_until_;
};

}  // namespace patter::providers
