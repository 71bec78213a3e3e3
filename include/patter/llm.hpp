#pragma once

// Streaming language-model clients: the OpenAI Chat Completions API and the servers that speak
// it (OpenAI, Groq, Cerebras, and any OpenAI-compatible endpoint such as Ollama, llama.cpp,
// vLLM), the Anthropic Messages API, and the Google Gemini API. Each reply streams token by
// token; tool calls, usage (for cost, cached prompt tokens apart) and errors reach the call
// through the LlmProvider interface. Connections are kept alive across turns, and warmup() opens
// one (DNS, TCP, TLS) as the call starts without sending a billable request.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <patter/providers.hpp>

namespace patter::llm {

// What every client takes. Empty strings mean the provider's own value.
struct LlmClientOptions {
  std::string api_key;   // empty: the provider's environment variable (OPENAI_API_KEY, ...)
  std::string base_url;  // empty: the provider's, e.g. https://api.openai.com/v1
  std::string model;     // empty: the provider's default (gpt-4o-mini for OpenAI)
  std::optional<double> temperature;
  std::optional<int> max_tokens;  // the reply's token limit, in the provider's field
  std::vector<std::pair<std::string, std::string>> extra_headers;
  // The whole exchange, streaming included.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  // From sending the request to the first token or tool call.
  std::chrono::milliseconds first_token_timeout{std::chrono::seconds(10)};
  // Attempts per reply, the first included. Only failures before any output are retried: 5xx
  // (Anthropic's 529 overloaded too), timeouts, dropped connections, and 429 when its
  // Retry-After is at most max_retry_wait.
  int max_attempts = 2;
  std::chrono::milliseconds max_retry_wait{std::chrono::seconds(2)};
  // PEM certificates to trust besides the system store (a private CA in front of a local model).
  std::string extra_ca_pem;
};

// max_tokens is sent as max_completion_tokens, or max_tokens to openai_compatible servers.
struct OpenAiOptions : LlmClientOptions {
  std::string organization;  // OpenAI-Organization header, when set
};

// https://api.anthropic.com, ANTHROPIC_API_KEY, claude-haiku-4-5-20251001. max_tokens defaults
// to 1024 (Anthropic requires a limit); temperature is 0 to 1. Put anthropic-beta in
// extra_headers to opt into beta features.
struct AnthropicOptions : LlmClientOptions {
  // cache_control on the system prompt and the tools: turns after the first read that prefix
  // from Anthropic's prompt cache (billed at a tenth of the input rate; the first write costs a
  // quarter more). Prompts shorter than the model's minimum are simply not cached.
  bool prompt_caching = true;
};

// https://generativelanguage.googleapis.com, GEMINI_API_KEY (else GOOGLE_API_KEY),
// gemini-2.5-flash. max_tokens is generationConfig.maxOutputTokens; temperature is 0 to 2.
struct GeminiOptions : LlmClientOptions {};

// Each throws std::invalid_argument naming the problem: no API key (and which environment
// variable to set), a base URL that is not http(s), a missing model for openai_compatible, a
// temperature out of the provider's range.
std::shared_ptr<LlmProvider> openai(OpenAiOptions options = {});
// https://api.groq.com/openai/v1, GROQ_API_KEY, llama-3.3-70b-versatile.
std::shared_ptr<LlmProvider> groq(OpenAiOptions options = {});
// https://api.cerebras.ai/v1, CEREBRAS_API_KEY, gpt-oss-120b; bodies are plain JSON.
std::shared_ptr<LlmProvider> cerebras(OpenAiOptions options = {});
// Any other server with a /chat/completions endpoint, e.g. http://localhost:11434/v1 (Ollama).
// options.model is required; the API key is optional (no Authorization header without one).
std::shared_ptr<LlmProvider> openai_compatible(std::string base_url, OpenAiOptions options = {});
// The Anthropic Messages API (Claude).
std::shared_ptr<LlmProvider> anthropic(AnthropicOptions options = {});
// The Gemini Developer API (Google AI Studio keys).
std::shared_ptr<LlmProvider> gemini(GeminiOptions options = {});

}  // namespace patter::llm
