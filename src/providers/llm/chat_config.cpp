#include "providers/llm/chat_config.hpp"

#include <array>

namespace patter::providers {

namespace {

constexpr ChatPreset kOpenAi{"openai", "https://api.openai.com/v1", "OPENAI_API_KEY", "gpt-4o-mini",
                             "max_completion_tokens"};
constexpr ChatPreset kGroq{"groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY",
                           "llama-3.3-70b-versatile", "max_completion_tokens"};
constexpr ChatPreset kCerebras{"cerebras", "https://api.cerebras.ai/v1", "CEREBRAS_API_KEY",
                               "gpt-oss-120b", "max_completion_tokens"};
// Self-hosted servers know max_tokens; not all of them know max_completion_tokens yet.
constexpr ChatPreset kCompatible{"openai_compatible", "", "", "", "max_tokens"};

constexpr std::array kPresets{&kOpenAi, &kGroq, &kCerebras, &kCompatible};

}  // namespace

const ChatPreset& openai_preset() {
  return kOpenAi;
}
const ChatPreset& groq_preset() {
  return kGroq;
}
const ChatPreset& cerebras_preset() {
  return kCerebras;
}
const ChatPreset& openai_compatible_preset() {
  return kCompatible;
}

const ChatPreset* find_chat_preset(std::string_view name) {
  for (const auto* preset : kPresets) {
    if (preset->name == name) return preset;
  }
  return nullptr;
}

ChatConfig config_for(const ChatPreset& preset) {
  ChatConfig config;
  config.provider = std::string(preset.name);
  config.base_url = std::string(preset.base_url);
  config.api_key_variable = std::string(preset.api_key_variable);
  config.api_key_required = !preset.api_key_variable.empty();
  config.model = std::string(preset.default_model);
  config.max_tokens_field = std::string(preset.max_tokens_field);
  return config;
}

}  // namespace patter::providers
