#include "providers/stt/cartesia_stt_config.hpp"

#include <spdlog/fmt/fmt.h>

#include "core/error.hpp"

namespace patter::providers {

using std::chrono::milliseconds;

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw core::Error(core::Errc::config_invalid, "cartesia_stt: " + message);
}

}  // namespace

std::string_view cartesia_encoding(Encoding encoding) {
  switch (encoding) {
    case Encoding::pcm16_le:
      return "pcm_s16le";
    case Encoding::mulaw:
      return "pcm_mulaw";
    case Encoding::alaw:
      return "pcm_alaw";
    default:
      return {};
  }
}

void validate(const CartesiaSttConfig& config) {
  if (config.api_key.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      "cartesia_stt: no API key: set the environment variable " +
                          std::string(kCartesiaKeyVariable) + " or pass api_key");
  }
  try {
    const auto endpoint = net::parse_endpoint(cartesia_stt_url(config));
    if (endpoint.scheme != "ws" && endpoint.scheme != "wss") {
      invalid("base_url must be a wss://, ws:// or https:// URL, got " + config.base_url);
    }
  } catch (const net::UrlError& error) {
    invalid("base_url " + config.base_url + " is not a URL: " + error.what());
  }
  if (config.model.empty()) invalid("model is required");
  if (config.version.empty()) invalid("version (Cartesia-Version) is required");
  if (cartesia_encoding(config.input_format.encoding).empty()) {
    invalid("input encoding " + std::string(to_string(config.input_format.encoding)) +
            " is not one Cartesia accepts");
  }
  if (config.input_format.sample_rate < 8000 || config.input_format.sample_rate > 48000) {
    invalid("input sample rate must be 8000..48000 Hz");
  }
  if (config.min_volume && (*config.min_volume < 0.0 || *config.min_volume > 1.0)) {
    invalid("min_volume must be within 0..1");
  }
  if (config.max_silence_duration_secs && *config.max_silence_duration_secs <= 0.0) {
    invalid("max_silence_duration_secs must be positive");
  }
  if (config.keepalive_interval <= milliseconds::zero() ||
      config.connect_timeout <= milliseconds::zero() ||
      config.handshake_timeout <= milliseconds::zero() ||
      config.reconnect_backoff < milliseconds::zero() ||
      config.replay_window <= milliseconds::zero() ||
      config.idle_close_after <= milliseconds::zero() ||
      config.parked_lifetime <= milliseconds::zero()) {
    invalid("timings must be positive");
  }
  if (config.reconnect_attempts < 0) invalid("reconnect_attempts must not be negative");
}

std::string cartesia_stt_url(const CartesiaSttConfig& config) {
  const std::string_view url = config.base_url;
  if (url.starts_with("https://")) return "wss://" + std::string(url.substr(8));
  if (url.starts_with("http://")) return "ws://" + std::string(url.substr(7));
  return std::string(url);
}

net::QueryParams cartesia_stt_query(const CartesiaSttConfig& config,
                                    const std::string& call_language) {
  net::QueryParams query;
  query.emplace_back("model", config.model);
  // Cartesia takes ISO 639-1 codes: a call in "en-US" is transcribed as "en".
  const auto language =
      config.language.empty() ? call_language.substr(0, call_language.find('-')) : config.language;
  if (!language.empty()) query.emplace_back("language", language);
  query.emplace_back("encoding", std::string(cartesia_encoding(config.input_format.encoding)));
  query.emplace_back("sample_rate", std::to_string(config.input_format.sample_rate));
  if (config.min_volume) query.emplace_back("min_volume", fmt::format("{}", *config.min_volume));
  if (config.max_silence_duration_secs) {
    query.emplace_back("max_silence_duration_secs",
                       fmt::format("{}", *config.max_silence_duration_secs));
  }
  for (const auto& param : config.extra_query) query.push_back(param);
  return query;
}

}  // namespace patter::providers
