#pragma once

#include <string>

#include "providers/llm/streaming_llm.hpp"

namespace patter::providers {

// A streaming client of OpenAI Chat Completions (and of Groq, Cerebras, Ollama, llama.cpp, vLLM
// through their presets): POST {base_url}/chat/completions, see streaming_llm.hpp for how replies
// run and chat_exchange.hpp for one reply's life.
//
// Usage: input_tokens counts the prompt tokens that were not cached; cached ones are
// cache_read_tokens.
class OpenAiChatLlm final : public StreamingLlm {
 public:
  // Throws core::Error, see StreamingLlm.
  explicit OpenAiChatLlm(ChatConfig config);

 private:
  [[nodiscard]] net::HttpClientRequest http_request(const LlmRequest& request) const override;

  std::string endpoint_;  // {base_url}/chat/completions
};

}  // namespace patter::providers
