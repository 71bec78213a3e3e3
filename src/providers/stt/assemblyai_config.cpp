#include "providers/stt/assemblyai_config.hpp"

#include <spdlog/fmt/fmt.h>
#include <boost/json.hpp>

#include "core/error.hpp"

namespace patter::providers {

using std::chrono::milliseconds;

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw core::Error(core::Errc::config_invalid, "assemblyai: " + message);
}

std::string flag(bool value) {
  return value ? "true" : "false";
}

}  // namespace

std::string_view assemblyai_encoding(Encoding encoding) {
  switch (encoding) {
    case Encoding::mulaw:
      return "pcm_mulaw";
    case Encoding::pcm16_le:
      return "pcm_s16le";
    default:
      return {};
  }
}

void validate(const AssemblyAiConfig& config) {
  if (config.api_key.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      "assemblyai: no API key: set the environment variable " +
                          std::string(kAssemblyAiKeyVariable) + " or pass api_key");
  }
  try {
    const auto endpoint = net::parse_endpoint(streaming_url(config));
    if (endpoint.scheme != "ws" && endpoint.scheme != "wss") {
      invalid("base_url must be a wss://, ws:// or https:// URL, got " + config.base_url);
    }
  } catch (const net::UrlError& error) {
    invalid("base_url " + config.base_url + " is not a URL: " + error.what());
  }
  if (config.speech_model.empty()) invalid("speech_model is required");
  if (assemblyai_encoding(config.input_format.encoding).empty()) {
    invalid("input encoding " + std::string(to_string(config.input_format.encoding)) +
            " is not one AssemblyAI accepts (mulaw or pcm16_le)");
  }
  if (config.input_format.sample_rate < 8000 || config.input_format.sample_rate > 48000) {
    invalid("input sample rate must be 8000..48000 Hz");
  }
  if (!(config.end_of_turn_confidence_threshold >= 0.0 &&
        config.end_of_turn_confidence_threshold <= 1.0)) {
    invalid("end_of_turn_confidence_threshold must be between 0 and 1");
  }
  if (config.min_turn_silence_ms < 0) invalid("min_turn_silence_ms must not be negative");
  if (config.max_turn_silence_ms < config.min_turn_silence_ms) {
    invalid("max_turn_silence_ms must be at least min_turn_silence_ms");
  }
  if (config.chunk < milliseconds(50) || config.chunk > milliseconds(1000)) {
    invalid("chunk must be 50..1000 ms (the service refuses other audio chunk lengths)");
  }
  if (config.keepalive_interval <= milliseconds::zero() ||
      config.connect_timeout <= milliseconds::zero() ||
      config.handshake_timeout <= milliseconds::zero() ||
      config.reconnect_backoff < milliseconds::zero() ||
      config.replay_window <= milliseconds::zero() || config.final_wait <= milliseconds::zero() ||
      config.termination_wait <= milliseconds::zero() ||
      config.parked_lifetime <= milliseconds::zero()) {
    invalid("timings must be positive");
  }
  if (config.reconnect_attempts < 0) invalid("reconnect_attempts must not be negative");
}

std::string streaming_url(const AssemblyAiConfig& config) {
  const std::string_view url = config.base_url;
  if (url.starts_with("https://")) return "wss://" + std::string(url.substr(8));
  if (url.starts_with("http://")) return "ws://" + std::string(url.substr(7));
  return std::string(url);
}

net::QueryParams streaming_query(const AssemblyAiConfig& config) {
  net::QueryParams query;
  query.emplace_back("speech_model", config.speech_model);
  query.emplace_back("encoding", std::string(assemblyai_encoding(config.input_format.encoding)));
  query.emplace_back("sample_rate", std::to_string(config.input_format.sample_rate));
  query.emplace_back("format_turns", flag(config.format_turns));
  query.emplace_back("end_of_turn_confidence_threshold",
                     fmt::format("{}", config.end_of_turn_confidence_threshold));
  query.emplace_back("min_turn_silence", std::to_string(config.min_turn_silence_ms));
  query.emplace_back("max_turn_silence", std::to_string(config.max_turn_silence_ms));
  if (!config.keyterms.empty()) {
    boost::json::array terms;
    for (const auto& term : config.keyterms) terms.emplace_back(term);
    query.emplace_back("keyterms_prompt", boost::json::serialize(terms));
  }
  for (const auto& param : config.extra_query) query.push_back(param);
  return query;
}

}  // namespace patter::providers
