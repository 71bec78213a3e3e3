// include/patter/llm.hpp over OpenAiChatLlm and its presets.

#include <patter/llm.hpp>

#include <cstdlib>
#include <stdexcept>

#include "core/error.hpp"
#include "providers/llm/openai_chat_llm.hpp"

namespace patter::llm {

namespace {

std::shared_ptr<LlmProvider> make(const providers::ChatPreset& preset, OpenAiOptions options) {
  auto config = providers::config_for(preset);
  if (options.api_key.empty() && !preset.api_key_variable.empty()) {
    if (const char* key = std::getenv(std::string(preset.api_key_variable).c_str()))
      options.api_key = key;
  }
  config.api_key = std::move(options.api_key);
  if (!options.base_url.empty()) config.base_url = std::move(options.base_url);
  if (!options.model.empty()) config.model = std::move(options.model);
  config.temperature = options.temperature;
  config.max_tokens = options.max_tokens;
  if (!options.organization.empty())
    config.headers.emplace_back("OpenAI-Organization", options.organization);
  for (auto& header : options.extra_headers) config.headers.push_back(std::move(header));
  config.request_timeout = options.request_timeout;
  config.first_token_timeout = options.first_token_timeout;
  config.max_attempts = options.max_attempts;
  config.max_retry_wait = options.max_retry_wait;
  config.extra_ca_pem = std::move(options.extra_ca_pem);
  try {
    return std::make_shared<providers::OpenAiChatLlm>(std::move(config));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

}  // namespace

std::shared_ptr<LlmProvider> openai(OpenAiOptions options) {
  return make(providers::openai_preset(), std::move(options));
}

std::shared_ptr<LlmProvider> groq(OpenAiOptions options) {
  return make(providers::groq_preset(), std::move(options));
}

std::shared_ptr<LlmProvider> cerebras(OpenAiOptions options) {
  return make(providers::cerebras_preset(), std::move(options));
}

std::shared_ptr<LlmProvider> openai_compatible(std::string base_url, OpenAiOptions options) {
  options.base_url = std::move(base_url);
  return make(providers::openai_compatible_preset(), std::move(options));
}

}  // namespace patter::llm
