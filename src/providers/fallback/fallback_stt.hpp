#pragma once

#include <memory>
#include <string>
#include <vector>

#include <patter/providers.hpp>

#include "providers/fallback/fallback_settings.hpp"
#include "providers/fallback/provider_chain.hpp"

namespace patter::providers {

// Speech-to-text made of an ordered list of providers (include/patter/fallback.hpp). A call's
// stream opens on the first healthy provider; when it fails, before or during the call, the
// stream carries on with the next provider for the rest of the call, which first hears again the
// audio no final has covered yet (kept for settings.replay_window), so no words are lost. Audio
// comes in the first provider's format and is converted inside for the others; word times stay
// on the call's audio clock across switches. name() and model() are the provider's that serves
// calls now; the stream names its own provider to SttEvents::on_provider_changed when it opens
// and at every switch, and reports the audio sent again as on_audio_replayed, so the call bills
// each provider for what it heard.
class FallbackStt final : public SttProvider {
 public:
  // Throws core::Error (config_invalid) for an empty list, a null provider or bad settings.
  FallbackStt(std::vector<std::shared_ptr<SttProvider>> providers, FallbackSettings settings);

  [[nodiscard]] std::string name() const override { return chain_->preferred().name(); }
  [[nodiscard]] std::string model() const override { return chain_->preferred().model(); }
  [[nodiscard]] AudioFormat input_format() const override { return input_format_; }
  // Throws std::invalid_argument when context.executor is null, core::Error (upstream_error)
  // naming each provider's failure when every provider threw at once.
  std::unique_ptr<SttStream> open(const StreamContext& context, SttEvents events) override;
  void warmup(const StreamContext& context) override { chain_->warmup(context); }

  [[nodiscard]] const ProviderHealth& health() const { return chain_->health; }
  [[nodiscard]] const std::vector<std::shared_ptr<SttProvider>>& providers() const {
    return chain_->providers;
  }
  [[nodiscard]] const FallbackSettings& settings() const { return chain_->settings; }

 private:
  std::shared_ptr<ProviderChain<SttProvider>> chain_;
  AudioFormat input_format_;
};

}  // namespace patter::providers
