// patter::realtime::openai (include/patter/realtime.hpp) over OpenAiRealtimeEngine.

#include <patter/realtime.hpp>

#include <cstdlib>
#include <stdexcept>

#include "core/error.hpp"
#include "providers/realtime/openai_realtime_engine.hpp"

namespace patter::realtime {

std::shared_ptr<RealtimeEngine> openai(OpenAiRealtimeOptions options) {
  providers::OpenAiRealtimeConfig config;
  if (options.api_key.empty()) {
    if (const char* key = std::getenv(std::string(providers::kOpenAiKeyVariable).c_str())) {
      options.api_key = key;
    }
  }
  config.api_key = std::move(options.api_key);
  if (!options.base_url.empty()) config.base_url = std::move(options.base_url);
  config.api = options.api;
  if (!options.model.empty()) {
    config.model = std::move(options.model);
  } else if (options.api == OpenAiRealtimeApi::ga) {
    config.model = std::string(providers::kGaDefaultModel);
  }
  config.voice = std::move(options.voice);
  config.turn_detection = options.turn_detection;
  config.vad_threshold = options.vad_threshold;
  config.prefix_padding_ms = options.prefix_padding_ms;
  config.silence_duration_ms = options.silence_duration_ms;
  config.eagerness = std::move(options.eagerness);
  config.transcription_model = std::move(options.transcription_model);
  config.temperature = options.temperature;
  config.max_output_tokens = options.max_output_tokens;
  config.ga_transcode = options.ga_transcode;
  config.session_ready_timeout = options.session_ready_timeout;
  config.keepalive_interval = options.keepalive_interval;
  config.max_pending_audio = options.max_pending_audio;
  config.extra_ca_pem = std::move(options.extra_ca_pem);
  try {
    return std::make_shared<providers::OpenAiRealtimeEngine>(std::move(config));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

}  // namespace patter::realtime
