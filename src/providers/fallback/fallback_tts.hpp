#pragma once

#include <memory>
#include <string>
#include <vector>

#include <patter/providers.hpp>

#include "providers/fallback/fallback_settings.hpp"
#include "providers/fallback/provider_chain.hpp"

namespace patter::providers {

// A voice made of an ordered list of text-to-speech providers (include/patter/fallback.hpp). A
// sentence goes to the first healthy provider; one that fails before any audio is synthesised
// again, on the same provider while it has retries left, then by the next one. Audio comes out in
// the first provider's format: the others' is converted inside. name() and model() are the
// provider's that speaks now; each attempt names its provider to TtsEvents::on_provider, so the
// call bills the sentence's characters to the provider that was sent them.
class FallbackTts final : public TtsProvider {
 public:
  // Throws core::Error (config_invalid) for an empty list, a null provider or bad settings.
  FallbackTts(std::vector<std::shared_ptr<TtsProvider>> providers, FallbackSettings settings);

  [[nodiscard]] std::string name() const override { return chain_->preferred().name(); }
  [[nodiscard]] std::string model() const override { return chain_->preferred().model(); }
  [[nodiscard]] AudioFormat output_format() const override { return output_format_; }
  // Throws std::invalid_argument when context.executor is null, core::Error (upstream_error)
  // naming each provider's failure when every provider threw at once.
  std::unique_ptr<TtsStream> synthesize(const StreamContext& context, std::string text,
                                        TtsEvents events) override;
  void warmup(const StreamContext& context) override { chain_->warmup(context); }

  [[nodiscard]] const ProviderHealth& health() const { return chain_->health; }
  [[nodiscard]] const std::vector<std::shared_ptr<TtsProvider>>& providers() const {
    return chain_->providers;
  }
  [[nodiscard]] const FallbackSettings& settings() const { return chain_->settings; }

 private:
  std::shared_ptr<ProviderChain<TtsProvider>> chain_;
  AudioFormat output_format_;
};

}  // namespace patter::providers
