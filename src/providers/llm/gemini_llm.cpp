#include "providers/llm/gemini_llm.hpp"

#include <algorithm>
#include <utility>

#include "core/error.hpp"
#include "net/url.hpp"
#include "providers/llm/gemini_request_body.hpp"
#include "providers/llm/gemini_stream_decoder.hpp"

namespace patter::providers {

namespace {

std::unique_ptr<ReplyDecoder> gemini_decoder() {
  return std::make_unique<GeminiStreamDecoder>();
}

bool model_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

ChatConfig checked(ChatConfig config) {
  // "models/gemini-2.5-flash", as the API lists them, names the same model.
  if (config.model.starts_with("models/")) config.model.erase(0, 7);
  if (!std::all_of(config.model.begin(), config.model.end(), model_name_char)) {
    throw core::Error(core::Errc::config_invalid,
                      config.provider + ": model \"" + config.model +
                          "\" is not a Gemini model name (letters, digits, '-', '.', '_')");
  }
  if (config.temperature && (*config.temperature < 0.0 || *config.temperature > 2.0)) {
    throw core::Error(core::Errc::config_invalid,
                      config.provider + ": temperature must be between 0 and 2");
  }
  return config;
}

}  // namespace

ChatConfig gemini_config() {
  ChatConfig config;
  config.provider = "gemini";
  config.base_url = "https://generativelanguage.googleapis.com";
  config.api_key_variable = "GEMINI_API_KEY";
  config.model = "gemini-2.5-flash";
  return config;
}

GeminiLlm::GeminiLlm(ChatConfig config)
    : StreamingLlm(checked(std::move(config)), &gemini_decoder),
      endpoint_(net::join_url(this->config().base_url, "v1beta/models/" + this->config().model +
                                                           ":streamGenerateContent?alt=sse")) {}

net::HttpClientRequest GeminiLlm::http_request(const LlmRequest& request) const {
  const auto& settings = config();
  auto http = net::json_request("POST", endpoint_, gemini_request_body(settings, request));
  http.headers.emplace_back("Accept", "text/event-stream");
  http.headers.emplace_back("x-goog-api-key", settings.api_key);
  return http;
}

}  // namespace patter::providers
