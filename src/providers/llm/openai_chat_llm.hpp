#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <patter/providers.hpp>

#include "net/http_client.hpp"
#include "providers/llm/chat_config.hpp"

namespace patter::net {
class IoPool;
class TlsClientContext;
}  // namespace patter::net

namespace patter::providers {

// A streaming client of OpenAI Chat Completions (and of Groq, Cerebras, Ollama, llama.cpp, vLLM
// through their presets), see chat_exchange.hpp for one reply's life.
//
// Each reply runs on the call's own event loop when the call's executor is a net::AsioExecutor,
// with one keep-alive pool per loop, so the turns of a call reuse one connection. Any other
// executor gets its events posted to it from a loop this provider starts on first need.
//
// Usage: input_tokens counts the prompt tokens that were not cached; cached ones are
// cache_read_tokens.
class OpenAiChatLlm final : public LlmProvider {
 public:
  // Throws core::Error: missing_credential when the key is required and empty (naming its
  // environment variable), config_invalid for a base URL that is not http(s), an empty model or
  // a non-positive timeout.
  explicit OpenAiChatLlm(ChatConfig config);
  ~OpenAiChatLlm() override;
  OpenAiChatLlm(const OpenAiChatLlm&) = delete;
  OpenAiChatLlm& operator=(const OpenAiChatLlm&) = delete;

  [[nodiscard]] std::string name() const override { return config_->provider; }
  [[nodiscard]] std::string model() const override { return config_->model; }
  // Throws std::invalid_argument when context.executor is null, core::Error (config_invalid)
  // when a tool's parameters are not a JSON object.
  std::unique_ptr<LlmStream> stream(const StreamContext& context, LlmRequest request,
                                    LlmEvents events) override;
  // Opens a pooled connection (DNS, TCP, TLS) on the call's loop; sends nothing. Failures are
  // logged without the URL and otherwise ignored.
  void warmup(const StreamContext& context) override;

  [[nodiscard]] const ChatConfig& config() const { return *config_; }

 private:
  struct Route;
  Route route_for(const StreamContext& context);

  std::shared_ptr<const ChatConfig> config_;
  std::string endpoint_;  // {base_url}/chat/completions
  net::HttpClientOptions http_options_;
  // Names this provider to the per-loop client registry; it dies with the provider.
  std::shared_ptr<const void> identity_;
  std::mutex mutex_;
  std::unique_ptr<net::IoPool> own_loop_;  // only for executors that are not Asio loops
};

}  // namespace patter::providers
