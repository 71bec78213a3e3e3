#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "providers/fallback/provider_health.hpp"

namespace patter::providers {

// One request's way through a fallback chain: the provider to try now, the retries left on it,
// and the failures met so far. Used on the call's executor only.
class AttemptPlan {
 public:
  // Takes the chain's attempt order as it is now; `call_id` is for the log.
  AttemptPlan(const ProviderHealth& health, int max_retry_per_provider, std::string call_id);

  // The provider to try now; nullopt once every provider has failed.
  [[nodiscard]] std::optional<std::size_t> current() const;
  // The current provider failed before any output: it is tried again while it has retries left,
  // then it is marked failed in `health` and the next provider's turn comes. Logs the switch.
  void failed(ProviderHealth& health, std::string message);
  // Starts again from the chain's order as it is now, forgetting the failures so far (a stream
  // that worked for a while, then failed).
  void restart(const ProviderHealth& health);

  // Every failure, one per provider: "[1] openai: …; [2] anthropic: … (after 2 attempts)".
  [[nodiscard]] std::string failures(const ProviderHealth& health) const;

 private:
  struct Failure {
    std::size_t provider = 0;
    std::string message;
    int attempts = 0;
  };

  std::vector<std::size_t> order_;
  std::size_t position_ = 0;
  int attempts_ = 0;  // failed attempts on order_[position_]
  int max_retry_;
  std::string call_id_;
  std::vector<Failure> failures_;
};

}  // namespace patter::providers
