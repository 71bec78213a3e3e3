// include/patter/stt.hpp over DeepgramStt.

#include <patter/stt.hpp>

#include <cstdlib>
#include <stdexcept>

#include "core/error.hpp"
#include "providers/stt/assemblyai_stt.hpp"
#include "providers/stt/cartesia_stt.hpp"
#include "providers/stt/deepgram_stt.hpp"
#include "providers/stt/openai_transcribe_stt.hpp"

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

std::shared_ptr<SttProvider> assemblyai(AssemblyAiOptions options) {
  providers::AssemblyAiConfig config;
  if (options.api_key.empty()) {
    if (const char* key = std::getenv(std::string(providers::kAssemblyAiKeyVariable).c_str())) {
      options.api_key = key;
    }
  }
  config.api_key = std::move(options.api_key);
  if (!options.base_url.empty()) config.base_url = std::move(options.base_url);
  if (!options.speech_model.empty()) config.speech_model = std::move(options.speech_model);
  config.input_format = options.input_format;
  config.format_turns = options.format_turns;
  config.end_of_turn_confidence_threshold = options.end_of_turn_confidence_threshold;
  config.min_turn_silence_ms = options.min_turn_silence_ms;
  config.max_turn_silence_ms = options.max_turn_silence_ms;
  config.keyterms = std::move(options.keyterms);
  config.extra_query = std::move(options.extra_query);
  config.chunk = options.chunk;
  config.keepalive_interval = options.keepalive_interval;
  config.warmup_opens_session = options.warmup_opens_session;
  config.reconnect_attempts = options.reconnect_attempts;
  config.replay_window = options.replay_window;
  config.extra_ca_pem = std::move(options.extra_ca_pem);
  try {
    return std::make_shared<providers::AssemblyAiStt>(std::move(config));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

std::shared_ptr<SttProvider> cartesia(CartesiaSttOptions options) {
  providers::CartesiaSttConfig config;
  if (options.api_key.empty()) {
    if (const char* key = std::getenv(std::string(providers::kCartesiaKeyVariable).c_str())) {
      options.api_key = key;
    }
  }
  config.api_key = std::move(options.api_key);
  if (!options.base_url.empty()) config.base_url = std::move(options.base_url);
  if (!options.model.empty()) config.model = std::move(options.model);
  if (!options.version.empty()) config.version = std::move(options.version);
  config.language = std::move(options.language);
  config.input_format = options.input_format;
  config.min_volume = options.min_volume;
  config.max_silence_duration_secs = options.max_silence_duration_secs;
  config.extra_query = std::move(options.extra_query);
  config.keepalive_interval = options.keepalive_interval;
  config.reconnect_attempts = options.reconnect_attempts;
  config.replay_window = options.replay_window;
  config.extra_ca_pem = std::move(options.extra_ca_pem);
  try {
    return std::make_shared<providers::CartesiaStt>(std::move(config));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

std::shared_ptr<SttProvider> openai_transcribe(OpenAiTranscribeOptions options) {
  providers::OpenAiTranscribeConfig config;
  if (options.api_key.empty()) {
    if (const char* key =
            std::getenv(std::string(providers::kOpenAiTranscribeKeyVariable).c_str())) {
      options.api_key = key;
    }
  }
  config.api_key = std::move(options.api_key);
  if (!options.base_url.empty()) config.base_url = std::move(options.base_url);
  const bool rest = options.transport == OpenAiTranscribeTransport::rest;
  config.transport = rest ? providers::OpenAiTranscribeTransport::rest
                          : providers::OpenAiTranscribeTransport::realtime;
  if (!options.model.empty()) {
    config.model = std::move(options.model);
  } else if (rest) {
    config.model = "whisper-1";
  }
  config.language = std::move(options.language);
  config.prompt = std::move(options.prompt);
  config.input_format = options.input_format;
  config.server_vad = {options.vad_threshold, options.prefix_padding_ms,
                       options.silence_duration_ms};
  config.noise_reduction = std::move(options.noise_reduction);
  config.gate.threshold_dbfs = options.gate_threshold_dbfs;
  config.gate.min_silence_ms = options.gate_min_silence_ms;
  config.reconnect_attempts = options.reconnect_attempts;
  config.replay_window = options.replay_window;
  config.max_attempts = options.max_attempts;
  config.extra_ca_pem = std::move(options.extra_ca_pem);
  try {
    return std::make_shared<providers::OpenAiTranscribeStt>(std::move(config));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

}  // namespace patter::stt
