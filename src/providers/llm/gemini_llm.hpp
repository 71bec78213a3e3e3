#pragma once

#include <string>

#include "providers/llm/streaming_llm.hpp"

namespace patter::providers {

// https://generativelanguage.googleapis.com, GEMINI_API_KEY, gemini-2.5-flash.
ChatConfig gemini_config();

// A streaming client of the Gemini Developer API: POST
// {base_url}/v1beta/models/{model}:streamGenerateContent?alt=sse with the key in x-goog-api-key
// (never in the URL, where logs would keep it), the body of gemini_request_body.hpp and the
// events of gemini_stream_decoder.hpp. See streaming_llm.hpp for how replies run and
// chat_exchange.hpp for one reply's life.
class GeminiLlm final : public StreamingLlm {
 public:
  // Throws core::Error, see StreamingLlm; also config_invalid for a model name that cannot be
  // a path segment, and for a temperature above 2.
  explicit GeminiLlm(ChatConfig config);

 private:
  [[nodiscard]] net::HttpClientRequest http_request(const LlmRequest& request) const override;

  std::string endpoint_;
};

}  // namespace patter::providers
