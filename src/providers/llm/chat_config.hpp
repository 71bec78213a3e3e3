#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace patter::providers {

// What differs between the servers that speak OpenAI Chat Completions.
struct ChatPreset {
  std::string_view name;              // the provider's name in metrics: "openai", "groq", ...
  std::string_view base_url;          // empty: the user must give one
  std::string_view api_key_variable;  // empty: the server needs no key
  std::string_view default_model;     // empty: the user must name the model
  std::string_view max_tokens_field;  // "max_completion_tokens" or the legacy "max_tokens"
};

const ChatPreset& openai_preset();
const ChatPreset& groq_preset();
const ChatPreset& cerebras_preset();
// Ollama, llama.cpp, vLLM and other self-hosted servers.
const ChatPreset& openai_compatible_preset();
// The preset called `name`, or null.
const ChatPreset* find_chat_preset(std::string_view name);

// Everything one streaming LLM client (OpenAiChatLlm, AnthropicLlm, GeminiLlm) needs, resolved:
// no environment lookups happen later.
struct ChatConfig {
  std::string provider = "openai";
  std::string base_url = "https://api.openai.com/v1";
  std::string api_key;           // empty: no Authorization header
  std::string api_key_variable;  // named in messages about a missing or rejected key
  bool api_key_required = true;
  std::string model = "gpt-4o-mini";
  std::string max_tokens_field = "max_completion_tokens";  // Chat Completions only
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  std::vector<std::pair<std::string, std::string>> headers;  // organization and extra headers
  // Anthropic: mark the system prompt and the tools for prompt caching (cache_control).
  bool prompt_caching = true;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds first_token_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  int max_attempts = 2;
  std::chrono::milliseconds max_retry_wait{std::chrono::seconds(2)};
  // Idle keep-alive connections kept per event loop: one per call streaming at the same time.
  std::size_t max_idle_connections = 64;
  std::string extra_ca_pem;
};

// A config with the preset's endpoint, key variable, model and max-tokens field.
ChatConfig config_for(const ChatPreset& preset);

}  // namespace patter::providers
