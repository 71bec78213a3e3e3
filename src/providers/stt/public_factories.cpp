// include/patter/stt.hpp over DeepgramStt.

#include <patter/stt.hpp>

#include <cstdlib>
#include <stdexcept>

#include "core/error.hpp"
#include "providers/stt/deepgram_stt.hpp"

namespace patter::stt {

std::shared_ptr<SttProvider> deepgram(DeepgramOptions options) {
  providers::DeepgramConfig config;
  if (options.api_key.empty()) {
    if (const char* key = std::getenv(std::string(providers::kDeepgramKeyVariable).c_str())) {
      options.api_key = key;
    }
  }
  config.api_key = std::move(options.api_key);
  if (!options.base_url.empty()) config.base_url = std::move(options.base_url);
  if (!options.model.empty()) config.model = std::move(options.model);
  config.language = std::move(options.language);
  config.input_format = options.input_format;
  config.interim_results = options.interim_results;
  config.endpointing_ms = options.endpointing_ms;
  config.utterance_end_ms = options.utterance_end_ms;
  config.vad_events = options.vad_events;
  config.smart_format = options.smart_format;
  config.punctuate = options.punctuate;
  config.keyterms = std::move(options.keyterms);
  config.extra_query = std::move(options.extra_query);
  config.keepalive_interval = options.keepalive_interval;
  config.reconnect_attempts = options.reconnect_attempts;
  config.replay_window = options.replay_window;
  config.extra_ca_pem = std::move(options.extra_ca_pem);
  try {
    return std::make_shared<providers::DeepgramStt>(std::move(config));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

}  // namespace patter::stt
