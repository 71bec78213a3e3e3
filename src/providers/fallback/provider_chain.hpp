#pragma once

#include <spdlog/spdlog.h>

#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <patter/providers.hpp>

#include "core/error.hpp"
#include "providers/fallback/fallback_settings.hpp"
#include "providers/fallback/provider_health.hpp"

namespace patter::providers {

// The names of `providers`, in order. Throws core::Error (config_invalid) for an empty list, a
// null provider, or invalid settings.
template <typename Provider>
std::vector<std::string> checked_chain_names(const std::vector<std::shared_ptr<Provider>>& providers,
                                             const FallbackSettings& settings) {
  validate(settings);
  if (providers.empty()) {
    throw core::Error(core::Errc::config_invalid, "fallback: the provider list is empty");
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < providers.size(); ++i) {
    if (!providers[i]) {
      throw core::Error(core::Errc::config_invalid,
                        "fallback: provider " + std::to_string(i + 1) + " is null");
    }
    names.push_back(providers[i]->name());
  }
  return names;
}

// The providers of one fallback chain, their shared health and the settings. Owned by the chain
// and by each of its streams, which may outlive it.
template <typename Provider>
struct ProviderChain {
  ProviderChain(std::vector<std::shared_ptr<Provider>> list, FallbackSettings chain_settings)
      : providers(std::move(list)),
        settings(std::move(chain_settings)),
        health(checked_chain_names(providers, settings), clock_or_steady(settings.clock),
               settings.recovery_interval) {}

  // The provider that serves requests now.
  [[nodiscard]] const Provider& preferred() const { return *providers[health.preferred()]; }

  // Warms the provider that serves requests now, and with warm_standby the next one; a
  // provider's warmup failure is logged and otherwise ignored.
  void warmup(const StreamContext& context) const {
    const auto order = health.attempt_order();
    const std::size_t count = settings.warm_standby ? 2 : 1;
    for (std::size_t i = 0; i < order.size() && i < count; ++i) {
      try {
        providers[order[i]]->warmup(context);
      } catch (const std::exception& error) {
        spdlog::info("fallback: warming {} failed: {}", health.describe(order[i]),
                     error.what());
      }
    }
  }

  std::vector<std::shared_ptr<Provider>> providers;
  FallbackSettings settings;
  ProviderHealth health;
};

// Runs `handle(owner)` on `executor` while `owner` lives: the fallback streams take every event
// of an inner stream, whatever thread it comes from, on their call's executor, where their state
// lives.
template <typename Owner, typename Handle>
void post_to(Executor& executor, const std::weak_ptr<Owner>& owner, Handle handle) {
  executor.post([owner, handle = std::move(handle)]() mutable {
    if (const auto self = owner.lock()) handle(*self);
  });
}

}  // namespace patter::providers
