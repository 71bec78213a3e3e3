// include/patter/llm.hpp over OpenAiChatLlm and its presets, AnthropicLlm and GeminiLlm.

#include <patter/llm.hpp>

#include <cstdlib>
#include <initializer_list>
#include <stdexcept>
#include <string_view>

#include "core/error.hpp"
#include "providers/llm/anthropic_llm.hpp"
#include "providers/llm/gemini_llm.hpp"
#include "providers/llm/openai_chat_llm.hpp"

namespace patter::llm {

namespace {

// The options every client takes. Without a key in the options, the first of `key_variables`
// that is set supplies it and becomes the variable named when the key is rejected; when none is
// set, the message about the missing key names them all.
void apply(providers::ChatConfig& config, LlmClientOptions& options,
           std::initializer_list<std::string_view> key_variables) {
  if (options.api_key.empty() && key_variables.size() > 0) {
    std::string all;
    for (const auto variable : key_variables) {
      all += (all.empty() ? "" : " or ") + std::string(variable);
      const char* key = std::getenv(std::string(variable).c_str());
      if (key == nullptr || *key == '\0') continue;
      options.api_key = key;
      all = variable;
      break;
    }
    config.api_key_variable = std::move(all);
  }
  config.api_key = std::move(options.api_key);
  if (!options.base_url.empty()) config.base_url = std::move(options.base_url);
  if (!options.model.empty()) config.model = std::move(options.model);
  config.temperature = options.temperature;
  if (options.max_tokens) config.max_tokens = options.max_tokens;
  for (auto& header : options.extra_headers) config.headers.push_back(std::move(header));
  config.request_timeout = options.request_timeout;
  config.first_token_timeout = options.first_token_timeout;
  config.max_attempts = options.max_attempts;
  config.max_retry_wait = options.max_retry_wait;
  config.extra_ca_pem = std::move(options.extra_ca_pem);
}

template <typename Provider>
std::shared_ptr<LlmProvider> build(providers::ChatConfig config) {
  try {
    return std::make_shared<Provider>(std::move(config));
  } catch (const core::Error& error) {
    throw std::invalid_argument(error.what());
  }
}

std::shared_ptr<LlmProvider> make(const providers::ChatPreset& preset, OpenAiOptions options) {
  auto config = providers::config_for(preset);
  if (!options.organization.empty())
    config.headers.emplace_back("OpenAI-Organization", options.organization);
  if (preset.api_key_variable.empty()) {
    apply(config, options, {});
  } else {
    apply(config, options, {preset.api_key_variable});
  }
  return build<providers::OpenAiChatLlm>(std::move(config));
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

std::shared_ptr<LlmProvider> anthropic(AnthropicOptions options) {
  auto config = providers::anthropic_config();
  config.prompt_caching = options.prompt_caching;
  apply(config, options, {"ANTHROPIC_API_KEY"});
  return build<providers::AnthropicLlm>(std::move(config));
}

std::shared_ptr<LlmProvider> gemini(GeminiOptions options) {
  auto config = providers::gemini_config();
  apply(config, options, {"GEMINI_API_KEY", "GOOGLE_API_KEY"});
  return build<providers::GeminiLlm>(std::move(config));
}

}  // namespace patter::llm
