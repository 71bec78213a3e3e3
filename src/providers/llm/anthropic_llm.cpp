#include "providers/llm/anthropic_llm.hpp"

#include <utility>

#include "core/error.hpp"
#include "net/url.hpp"
#include "providers/llm/anthropic_request_body.hpp"
#include "providers/llm/anthropic_stream_decoder.hpp"

namespace patter::providers {

namespace {

std::unique_ptr<ReplyDecoder> anthropic_decoder() {
  return std::make_unique<AnthropicStreamDecoder>();
}

ChatConfig checked(ChatConfig config) {
  if (config.temperature && (*config.temperature < 0.0 || *config.temperature > 1.0)) {
    throw core::Error(core::Errc::config_invalid,
                      config.provider + ": temperature must be between 0 and 1");
  }
  return config;
}

}  // namespace

ChatConfig anthropic_config() {
  ChatConfig config;
  config.provider = "anthropic";
  config.base_url = "https://api.anthropic.com";
  config.api_key_variable = "ANTHROPIC_API_KEY";
  config.model = "claude-haiku-4-5-20251001";
  config.max_tokens = kAnthropicDefaultMaxTokens;
  return config;
}

AnthropicLlm::AnthropicLlm(ChatConfig config)
    : StreamingLlm(checked(std::move(config)), &anthropic_decoder),
      endpoint_(net::join_url(this->config().base_url, "v1/messages")) {}

net::HttpClientRequest AnthropicLlm::http_request(const LlmRequest& request) const {
  const auto& settings = config();
  auto http = net::json_request("POST", endpoint_, anthropic_request_body(settings, request));
  http.headers.emplace_back("Accept", "text/event-stream");
  http.headers.emplace_back("x-api-key", settings.api_key);
  http.headers.emplace_back("anthropic-version", std::string(kApiVersion));
  return http;
}

}  // namespace patter::providers
