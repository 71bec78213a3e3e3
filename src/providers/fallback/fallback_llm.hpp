#pragma once

#include <memory>
#include <string>
#include <vector>

#include <patter/providers.hpp>

#include "providers/fallback/fallback_settings.hpp"
#include "providers/fallback/provider_chain.hpp"

namespace patter::providers {

// A language model made of an ordered list of them (include/patter/fallback.hpp). A reply goes
// to the first healthy provider; a failure before its first text or tool call is retried there,
// then the next provider answers. name() and model() are the provider's that serves replies now,
// so usage is billed at the price of the model that answered.
class FallbackLlm final : public LlmProvider {
 public:
  // Throws core::Error (config_invalid) for an empty list, a null provider or bad settings.
  FallbackLlm(std::vector<std::shared_ptr<LlmProvider>> providers, FallbackSettings settings);

  [[nodiscard]] std::string name() const override { return chain_->preferred().name(); }
  [[nodiscard]] std::string model() const override { return chain_->preferred().model(); }
  // Throws std::invalid_argument when context.executor is null, core::Error (upstream_error)
  // naming each provider's failure when every provider threw at once.
  std::unique_ptr<LlmStream> stream(const StreamContext& context, LlmRequest request,
                                    LlmEvents events) override;
  void warmup(const StreamContext& context) override { chain_->warmup(context); }

  [[nodiscard]] const ProviderHealth& health() const { return chain_->health; }
  [[nodiscard]] const std::vector<std::shared_ptr<LlmProvider>>& providers() const {
    return chain_->providers;
  }
  [[nodiscard]] const FallbackSettings& settings() const { return chain_->settings; }

 private:
  std::shared_ptr<ProviderChain<LlmProvider>> chain_;
};

}  // namespace patter::providers
