// include/patter/tts.hpp over ElevenLabsTts and ElevenLabsWsTts.

#include <patter/tts.hpp>

#include <cstdlib>
#include <stdexcept>

#include "core/error.hpp"
#include "providers/tts/cartesia_tts.hpp"
#include "providers/tts/elevenlabs_tts.hpp"
#include "providers/tts/elevenlabs_voices.hpp"
#include "providers/tts/elevenlabs_ws_tts.hpp"
#include "providers/tts/openai_speech_tts.hpp"

namespace patter::tts {

namespace {

providers::ElevenLabsVoiceSettings settings_of(const ElevenLabsVoiceSettings& settings) {
  return {settings.stability, settings.similarity_boost, settings.style,
          settings.use_speaker_boost, settings.speed};
}

}  // namespace

std::shared_ptr<TtsProvider> elevenlabs(ElevenLabsOptions options) {
  providers::ElevenLabsConfig config;
  if (options.api_key.empty()) {
    if (const char* key = std::getenv(config.api_key_variable.c_str())) options.api_key = key;
  }
  config.api_key = std::move(options.api_key);
  if (!options.base_url.empty()) config.base_url = std::move(options.base_url);
  if (!options.model.empty()) config.model = std::move(options.model);
  if (!options.output_format.empty()) config.output_format = std::move(options.output_format);
  config.optimize_streaming_latency = options.optimize_streaming_latency;
  config.voice_settings = settings_of(options.voice_settings);
  config.language_code = std::move(options.language_code);
  config.enable_logging = options.enable_logging;
  config.inactivity_timeout = options.inactivity_timeout;
  config.connect_timeout = options.connect_timeout;
  config.first_byte_timeout = options.first_byte_timeout;
  config.idle_timeout = options.idle_timeout;
  config.request_timeout = options.request_timeout;
  config.max_attempts = options.max_attempts;
  config.max_retry_wait = options.max_retry_wait;
  config.extra_ca_pem = std::move(options.extra_ca_pem);
  try {
    if (!options.voice.empty()) config.voice_id = providers::elevenlabs_voice_id(options.voice);
    if (options.transport == ElevenLabsTransport::websocket) {
      return std::make_shared<providers::ElevenLabsWsTts>(std::move(config));
    }
    return std::make_shared<providers::ElevenLabsTts>(std::move(config));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

std::shared_ptr<TtsProvider> openai(OpenAiTtsOptions options) {
  providers::OpenAiSpeechConfig config;
  if (options.api_key.empty()) {
    if (const char* key = std::getenv(std::string(providers::kOpenAiSpeechKeyVariable).c_str())) {
      options.api_key = key;
    }
  }
  config.api_key = std::move(options.api_key);
  if (!options.base_url.empty()) config.base_url = std::move(options.base_url);
  if (!options.model.empty()) config.model = std::move(options.model);
  if (!options.voice.empty()) config.voice = std::move(options.voice);
  config.speed = options.speed;
  config.instructions = std::move(options.instructions);
  config.connect_timeout = options.connect_timeout;
  config.first_byte_timeout = options.first_byte_timeout;
  config.idle_timeout = options.idle_timeout;
  config.request_timeout = options.request_timeout;
  config.max_attempts = options.max_attempts;
  config.max_retry_wait = options.max_retry_wait;
  config.extra_ca_pem = std::move(options.extra_ca_pem);
  try {
    return std::make_shared<providers::OpenAiSpeechTts>(std::move(config));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

std::shared_ptr<TtsProvider> cartesia(CartesiaTtsOptions options) {
  providers::CartesiaTtsConfig config;
  if (options.api_key.empty()) {
    if (const char* key = std::getenv(config.api_key_variable.c_str())) options.api_key = key;
  }
  config.api_key = std::move(options.api_key);
  if (!options.base_url.empty()) config.base_url = std::move(options.base_url);
  if (!options.voice.empty()) config.voice_id = std::move(options.voice);
  if (!options.model.empty()) config.model = std::move(options.model);
  if (!options.version.empty()) config.version = std::move(options.version);
  config.language = std::move(options.language);
  config.output_format = options.output_format;
  config.speed = options.speed;
  config.volume = options.volume;
  config.emotion = std::move(options.emotion);
  config.max_buffer_delay_ms = options.max_buffer_delay_ms;
  config.continue_turns = options.continue_turns;
  config.turn_gap = options.turn_gap;
  config.connect_timeout = options.connect_timeout;
  config.first_byte_timeout = options.first_byte_timeout;
  config.idle_timeout = options.idle_timeout;
  config.max_attempts = options.max_attempts;
  config.max_retry_wait = options.max_retry_wait;
  config.extra_ca_pem = std::move(options.extra_ca_pem);
  try {
    return std::make_shared<providers::CartesiaTts>(std::move(config));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

}  // namespace patter::tts
