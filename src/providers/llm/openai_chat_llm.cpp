#include "providers/llm/openai_chat_llm.hpp"

#include <utility>

#include "net/url.hpp"
#include "providers/llm/chat_request_body.hpp"
#include "providers/llm/chat_stream_decoder.hpp"

namespace patter::providers {

namespace {

std::unique_ptr<ReplyDecoder> chat_decoder() {
  return std::make_unique<ChatStreamDecoder>();
}

}  // namespace

OpenAiChatLlm::OpenAiChatLlm(ChatConfig config)
    : StreamingLlm(std::move(config), &chat_decoder),
      endpoint_(net::join_url(this->config().base_url, "chat/completions")) {}

net::HttpClientRequest OpenAiChatLlm::http_request(const LlmRequest& request) const {
  const auto& settings = config();
  auto http = net::json_request("POST", endpoint_, chat_request_body(settings, request));
  http.headers.emplace_back("Accept", "text/event-stream");
  if (!settings.api_key.empty())
    http.headers.emplace_back("Authorization", "Bearer " + settings.api_key);
  return http;
}

}  // namespace patter::providers
