#include "providers/stt/deepgram_config.hpp"

#include "core/error.hpp"

namespace patter::providers {

using std::chrono::milliseconds;

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw core::Error(core::Errc::config_invalid, "deepgram: " + message);
}

std::string flag(bool value) {
  return value ? "true" : "false";
}

}  // namespace

std::string_view deepgram_encoding(Encoding encoding) {
  switch (encoding) {
    case Encoding::mulaw:
      return "mulaw";
    case Encoding::alaw:
      return "alaw";
    case Encoding::pcm16_le:
      return "linear16";
    default:
      return {};
  }
}

void validate(const DeepgramConfig& config) {
  if (config.api_key.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      "deepgram: no API key: set the environment variable " +
                          std::string(kDeepgramKeyVariable) + " or pass api_key");
  }
  try {
    const auto endpoint = net::parse_endpoint(listen_url(config));
    if (endpoint.scheme != "ws" && endpoint.scheme != "wss") {
      invalid("base_url must be a wss://, ws:// or https:// URL, got " + config.base_url);
    }
  } catch (const net::UrlError& error) {
    invalid("base_url " + config.base_url + " is not a URL: " + error.what());
  }
  if (config.model.empty()) invalid("model is required");
  if (deepgram_encoding(config.input_format.encoding).empty()) {
    invalid("input encoding " + std::string(to_string(config.input_format.encoding)) +
            " is not one Deepgram accepts");
  }
  if (config.input_format.sample_rate < 8000 || config.input_format.sample_rate > 48000) {
    invalid("input sample rate must be 8000..48000 Hz");
  }
  if (config.endpointing_ms && *config.endpointing_ms < 10) {
    invalid("endpointing_ms must be at least 10 (or off)");
  }
  if (config.utterance_end_ms) {
    if (*config.utterance_end_ms < 1000) invalid("utterance_end_ms must be at least 1000");
    if (!config.interim_results) invalid("utterance_end_ms needs interim_results");
  }
  if (config.keepalive_interval <= milliseconds::zero() ||
      config.connect_timeout <= milliseconds::zero() ||
      config.handshake_timeout <= milliseconds::zero() ||
      config.reconnect_backoff < milliseconds::zero() ||
      config.replay_window <= milliseconds::zero() ||
      config.parked_lifetime <= milliseconds::zero()) {
    invalid("timings must be positive");
  }
  if (config.reconnect_attempts < 0) invalid("reconnect_attempts must not be negative");
}

std::string listen_url(const DeepgramConfig& config) {
  const std::string_view url = config.base_url;
  if (url.starts_with("https://")) return "wss://" + std::string(url.substr(8));
  if (url.starts_with("http://")) return "ws://" + std::string(url.substr(7));
  return std::string(url);
}

net::QueryParams listen_query(const DeepgramConfig& config, const std::string& call_language) {
  net::QueryParams query;
  query.emplace_back("model", config.model);
  const auto& language = config.language.empty() ? call_language : config.language;
  if (!language.empty()) query.emplace_back("language", language);
  query.emplace_back("encoding", std::string(deepgram_encoding(config.input_format.encoding)));
  query.emplace_back("sample_rate", std::to_string(config.input_format.sample_rate));
  query.emplace_back("channels", "1");
  query.emplace_back("interim_results", flag(config.interim_results));
  query.emplace_back("endpointing",
                     config.endpointing_ms ? std::to_string(*config.endpointing_ms) : "false");
  if (config.utterance_end_ms) {
    query.emplace_back("utterance_end_ms", std::to_string(*config.utterance_end_ms));
  }
  query.emplace_back("vad_events", flag(config.vad_events));
  query.emplace_back("smart_format", flag(config.smart_format));
  query.emplace_back("punctuate", flag(config.punctuate));
  if (config.no_delay) query.emplace_back("no_delay", "true");
  for (const auto& term : config.keyterms) query.emplace_back("keyterm", term);
  for (const auto& param : config.extra_query) query.push_back(param);
  return query;
}

}  // namespace patter::providers
