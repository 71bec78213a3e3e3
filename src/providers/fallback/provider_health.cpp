#include "providers/fallback/provider_health.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <utility>

namespace patter::providers {

ProviderHealth::ProviderHealth(std::vector<std::string> labels,
                               std::shared_ptr<const core::Clock> clock,
                               core::Duration recovery_interval)
    : labels_(std::move(labels)),
      clock_(std::move(clock)),
      recovery_interval_(recovery_interval),
      skipped_until_(labels_.size()) {}

std::vector<std::size_t> ProviderHealth::order_locked(core::TimePoint now) const {
  std::vector<std::size_t> healthy;
  std::vector<std::size_t> skipped;
  for (std::size_t i = 0; i < skipped_until_.size(); ++i) {
    const auto& until = skipped_until_[i];
    (until && now < *until ? skipped : healthy).push_back(i);
  }
  std::stable_sort(skipped.begin(), skipped.end(), [this](std::size_t a, std::size_t b) {
    return *skipped_until_[a] < *skipped_until_[b];
  });
  healthy.insert(healthy.end(), skipped.begin(), skipped.end());
  return healthy;
}

std::string ProviderHealth::describe(std::size_t index) const {
  return "provider " + std::to_string(index + 1) + " (" + labels_.at(index) + ")";
}

std::vector<std::size_t> ProviderHealth::attempt_order() const {
  const auto now = clock_->now();
  const std::lock_guard lock(mutex_);
  return order_locked(now);
}

std::size_t ProviderHealth::preferred() const { return attempt_order().front(); }

bool ProviderHealth::healthy(std::size_t index) const {
  const auto now = clock_->now();
  const std::lock_guard lock(mutex_);
  const auto& until = skipped_until_.at(index);
  return !until || now >= *until;
}

void ProviderHealth::mark_failed(std::size_t index, const std::string& reason) {
  const auto now = clock_->now();
  {
    const std::lock_guard lock(mutex_);
    skipped_until_.at(index) = now + recovery_interval_;
  }
  spdlog::warn("fallback: {} failed: {}; skipped for {} s", describe(index), reason,
               std::chrono::duration_cast<std::chrono::seconds>(recovery_interval_).count());
}

void ProviderHealth::mark_working(std::size_t index) {
  bool recovered = false;
  {
    const std::lock_guard lock(mutex_);
    recovered = std::exchange(skipped_until_.at(index), std::nullopt).has_value();
  }
  if (recovered) {
    spdlog::info("fallback: {} answers again", describe(index));
  }
}

}  // namespace patter::providers
