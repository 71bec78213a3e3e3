// patter::realtime::elevenlabs_convai (include/patter/realtime.hpp) over ElevenLabsConvAiEngine.

#include <patter/realtime.hpp>

#include <cstdlib>
#include <stdexcept>

#include "core/error.hpp"
#include "providers/realtime/elevenlabs_convai_engine.hpp"
#include "providers/tts/elevenlabs_voices.hpp"

namespace patter::realtime {

namespace {

void from_environment(std::string& value, const std::string& variable) {
  if (!value.empty()) return;
  if (const char* found = std::getenv(variable.c_str())) value = found;
}

}  // namespace

std::shared_ptr<RealtimeEngine> elevenlabs_convai(ElevenLabsConvAiOptions options) {
  providers::ElevenLabsConvAiConfig config;
  from_environment(options.api_key, config.api_key_variable);
  from_environment(options.agent_id, config.agent_id_variable);
  config.api_key = std::move(options.api_key);
  config.agent_id = std::move(options.agent_id);
  if (!options.base_url.empty()) config.base_url = std::move(options.base_url);
  config.signed_url = options.signed_url;
  config.override_prompt = options.override_prompt;
  config.override_first_message = options.override_first_message;
  config.override_language = options.override_language;
  config.override_voice = options.override_voice;
  config.override_audio_formats = options.override_audio_formats;
  config.dynamic_variables = std::move(options.dynamic_variables);
  config.connect_timeout = options.connect_timeout;
  config.ready_timeout = options.ready_timeout;
  config.response_done_after = options.response_done_after;
  config.input_chunk = options.input_chunk;
  config.max_pending_audio = options.max_pending_audio;
  config.extra_ca_pem = std::move(options.extra_ca_pem);
  try {
    if (!options.voice.empty()) config.voice_id = providers::elevenlabs_voice_id(options.voice);
    return std::make_shared<providers::ElevenLabsConvAiEngine>(std::move(config));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

}  // namespace patter::realtime
