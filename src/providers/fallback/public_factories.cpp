// include/patter/fallback.hpp over FallbackLlm, FallbackStt and FallbackTts.

#include <patter/fallback.hpp>

#include <stdexcept>
#include <utility>

#include "core/error.hpp"
#include "providers/fallback/fallback_llm.hpp"
#include "providers/fallback/fallback_stt.hpp"
#include "providers/fallback/fallback_tts.hpp"

namespace patter::fallback {

namespace {

providers::FallbackSettings settings_from(const FallbackOptions& options) {
  providers::FallbackSettings settings;
  settings.max_retry_per_provider = options.max_retry_per_provider;
  settings.recovery_interval = options.recovery_interval;
  settings.replay_window = options.replay_window;
  settings.warm_standby = options.warm_standby;
  return settings;
}

template <typename Chain, typename Provider>
std::shared_ptr<Provider> make(std::vector<std::shared_ptr<Provider>> providers,
                               const FallbackOptions& options) {
  try {
    return std::make_shared<Chain>(std::move(providers), settings_from(options));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

}  // namespace

std::shared_ptr<LlmProvider> llm(std::vector<std::shared_ptr<LlmProvider>> providers,
                                 FallbackOptions options) {
  return make<providers::FallbackLlm>(std::move(providers), options);
}

std::shared_ptr<SttProvider> stt(std::vector<std::shared_ptr<SttProvider>> providers,
                                 FallbackOptions options) {
  return make<providers::FallbackStt>(std::move(providers), options);
}

std::shared_ptr<TtsProvider> tts(std::vector<std::shared_ptr<TtsProvider>> providers,
                                 FallbackOptions options) {
  return make<providers::FallbackTts>(std::move(providers), options);
}

}  // namespace patter::fallback
