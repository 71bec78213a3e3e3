#include "providers/fallback/attempt_plan.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace patter::providers {

AttemptPlan::AttemptPlan(const ProviderHealth& health, int max_retry_per_provider,
                         std::string call_id)
    : order_(health.attempt_order()),
      max_retry_(max_retry_per_provider),
      call_id_(std::move(call_id)) {}

std::optional<std::size_t> AttemptPlan::current() const {
  if (position_ >= order_.size()) return std::nullopt;
  return order_[position_];
}

void AttemptPlan::failed(ProviderHealth& health, std::string message) {
  const auto provider = current();
  if (!provider) return;
  // Each provider appears once in a plan, so a new provider starts a new entry.
  if (failures_.empty() || failures_.back().provider != *provider) {
    failures_.push_back(Failure{*provider, {}, 0});
  }
  auto& failure = failures_.back();
  failure.message = std::move(message);
  failure.attempts = ++attempts_;
  if (attempts_ <= max_retry_) {
    spdlog::warn("call {}: fallback: {} failed before any output ({}); trying it again",
                 call_id_, health.describe(*provider), failure.message);
    return;
  }
  health.mark_failed(*provider, failure.message);
  ++position_;
  attempts_ = 0;
  if (const auto next = current()) {
    spdlog::warn("call {}: fallback: {} failed before any output; trying {}", call_id_,
                 health.describe(*provider), health.describe(*next));
  }
}

void AttemptPlan::restart(const ProviderHealth& health) {
  order_ = health.attempt_order();
  position_ = 0;
  attempts_ = 0;
  failures_.clear();
}

std::string AttemptPlan::failures(const ProviderHealth& health) const {
  std::string text;
  for (const auto& failure : failures_) {
    if (!text.empty()) text += "; ";
    const auto& name = health.label(failure.provider);
    text += "[" + std::to_string(failure.provider + 1) + "] ";
    // Most providers' messages start with their own name already.
    if (!failure.message.starts_with(name + ":")) text += name + ": ";
    text += failure.message;
    if (failure.attempts > 1) {
      text += " (after " + std::to_string(failure.attempts) + " attempts)";
    }
  }
  return text;
}

}  // namespace patter::providers
