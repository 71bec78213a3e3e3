#include "providers/tts/openai_speech_config.hpp"

#include <boost/json.hpp>

#include "core/error.hpp"
#include "net/url.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw core::Error(core::Errc::config_invalid, "openai_tts: " + message);
}

}  // namespace

std::string_view openai_speech_name(std::string_view model) {
  return model == "tts-1-hd" ? "openai_tts_hd" : "openai_tts";
}

void validate(const OpenAiSpeechConfig& config) {
  if (config.api_key.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      "openai_tts: no API key: set the environment variable " +
                          std::string(kOpenAiSpeechKeyVariable) + " or pass api_key");
  }
  try {
    const auto endpoint = net::parse_endpoint(config.base_url);
    if (endpoint.scheme != "http" && endpoint.scheme != "https") {
      invalid("base_url must be an http:// or https:// URL, got " + config.base_url);
    }
  } catch (const net::UrlError& error) {
    invalid("base_url " + config.base_url + " is not a URL: " + error.what());
  }
  if (config.model.empty()) invalid("model is required");
  if (config.voice.empty()) invalid("voice is required");
  if (config.speed && (*config.speed < 0.25 || *config.speed > 4.0)) {
    invalid("speed must be between 0.25 and 4");
  }
  if (!config.instructions.empty() && config.model != "gpt-4o-mini-tts") {
    invalid("instructions need the model gpt-4o-mini-tts, not " + config.model);
  }
  using std::chrono::milliseconds;
  if (config.connect_timeout <= milliseconds::zero() ||
      config.first_byte_timeout <= milliseconds::zero() ||
      config.idle_timeout <= milliseconds::zero() ||
      config.request_timeout <= milliseconds::zero() ||
      config.max_retry_wait < milliseconds::zero()) {
    invalid("timeouts must be positive");
  }
  if (config.max_attempts < 1) invalid("max_attempts must be at least 1");
}

std::string speech_url(const OpenAiSpeechConfig& config) {
  return net::join_url(config.base_url, "audio/speech");
}

std::string speech_body(const OpenAiSpeechConfig& config, std::string_view text) {
  json::object body{{"model", config.model},
                    {"input", text},
                    {"voice", config.voice},
                    {"response_format", "pcm"}};
  if (config.speed) body["speed"] = *config.speed;
  if (!config.instructions.empty()) body["instructions"] = config.instructions;
  return json::serialize(body);
}

}  // namespace patter::providers
