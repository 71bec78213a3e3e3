#pragma once

#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/call_loops.hpp"
#include "net/http_client.hpp"
#include "providers/llm/chat_config.hpp"
#include "providers/llm/reply_decoder.hpp"


namespace patter::providers {

// What the streaming HTTP LLM clients (OpenAI Chat Completions, Anthropic Messages, Gemini)
// share: the validated config, one keep-alive HTTP client per event loop, event routing to the
// call's executor, warmup, and one exchange per reply (chat_exchange.hpp). A client says only
// how a request is written and how its stream is read.
//
// Each reply runs on the call's own event loop when the call's executor is a net::AsioExecutor,
// with one keep-alive pool per loop, so the turns of a call reuse one connection. Any other
// executor gets its events posted to it from a loop this provider starts on first need.
class StreamingLlm : public LlmProvider {
 public:
  ~StreamingLlm() override;
  StreamingLlm(const StreamingLlm&) = delete;
  StreamingLlm& operator=(const StreamingLlm&) = delete;

  [[nodiscard]] std::string name() const override { return config_->provider; }
  [[nodiscard]] std::string model() const override { return config_->model; }
  // Throws std::invalid_argument when context.executor is null, core::Error (config_invalid)
  // when a tool's parameters are not a JSON object.
  std::unique_ptr<LlmStream> stream(const StreamContext& context, LlmRequest request,
                                    LlmEvents events) final;
  // Opens a pooled connection (DNS, TCP, TLS) on the call's loop; sends nothing. Failures are
  // logged without the URL and otherwise ignored.
  void warmup(const StreamContext& context) final;

  [[nodiscard]] const ChatConfig& config() const { return *config_; }

 protected:
  // Throws core::Error: missing_credential when the key is required and empty (naming its
  // environment variable), config_invalid for a base URL that is not http(s), an empty model or
  // a non-positive timeout.
  StreamingLlm(ChatConfig config, ReplyDecoderFactory make_decoder);

  // The request of one reply, with its URL, headers and body.
  [[nodiscard]] virtual net::HttpClientRequest http_request(const LlmRequest& request) const = 0;

 private:
  std::shared_ptr<const ChatConfig> config_;
  ReplyDecoderFactory make_decoder_;
  net::HttpClientOptions http_options_;
  // Names this provider to the per-loop client registry; it dies with the provider.
  std::shared_ptr<const void> identity_;
  net::CallLoops loops_;
};

}  // namespace patter::providers
