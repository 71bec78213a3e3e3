#pragma once

#include <string>

#include "providers/llm/streaming_llm.hpp"

namespace patter::providers {

// https://api.anthropic.com, ANTHROPIC_API_KEY, claude-haiku-4-5-20251001, max_tokens 1024,
// prompt caching on.
ChatConfig anthropic_config();

// A streaming client of the Anthropic Messages API: POST {base_url}/v1/messages with x-api-key
// and anthropic-version, the body of anthropic_request_body.hpp, and the events of
// anthropic_stream_decoder.hpp. See streaming_llm.hpp for how replies run and chat_exchange.hpp
// for one reply's life (retries before any output, the overloaded 529 included).
class AnthropicLlm final : public StreamingLlm {
 public:
  static constexpr std::string_view kApiVersion = "2023-06-01";

  // Throws core::Error, see StreamingLlm; also config_invalid for a temperature above 1, the
  // most Anthropic accepts.
  explicit AnthropicLlm(ChatConfig config);

 private:
  [[nodiscard]] net::HttpClientRequest http_request(const LlmRequest& request) const override;

  std::string endpoint_;  // {base_url}/v1/messages
};

}  // namespace patter::providers
