#include "providers/tts/cartesia_tts_config.hpp"

#include <algorithm>
#include <array>

#include "core/error.hpp"
#include "net/url.hpp"

namespace patter::providers {

using std::chrono::milliseconds;

namespace {

constexpr std::array kPcmRates{8000, 16000, 22050, 24000, 44100};

[[noreturn]] void invalid(const std::string& message) {
  throw core::Error(core::Errc::config_invalid, std::string(kCartesiaTtsName) + ": " + message);
}

bool within(const std::optional<double>& value, double low, double high) {
  return !value || (*value >= low && *value <= high);
}

}  // namespace

std::string_view cartesia_output_encoding(Encoding encoding) {
  switch (encoding) {
    case Encoding::mulaw:
      return "pcm_mulaw";
    case Encoding::alaw:
      return "pcm_alaw";
    case Encoding::pcm16_le:
      return "pcm_s16le";
    default:
      return {};
  }
}

std::string cartesia_tts_url(const CartesiaTtsConfig& config) {
  const std::string_view url = config.base_url;
  if (url.starts_with("https://")) return "wss://" + std::string(url.substr(8));
  if (url.starts_with("http://")) return "ws://" + std::string(url.substr(7));
  return std::string(url);
}

void validate(const CartesiaTtsConfig& config) {
  if (config.api_key.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      std::string(kCartesiaTtsName) +
                          ": no API key: set the environment variable " + config.api_key_variable +
                          " or pass api_key");
  }
  try {
    const auto endpoint = net::parse_endpoint(cartesia_tts_url(config));
    if (endpoint.scheme != "ws" && endpoint.scheme != "wss") {
      invalid("base_url must be a wss://, ws:// or https:// URL, got " + config.base_url);
    }
  } catch (const net::UrlError& error) {
    invalid("base_url " + config.base_url + " is not a URL: " + error.what());
  }
  if (config.voice_id.empty()) invalid("voice is required");
  if (config.model.empty()) invalid("model is required");
  if (config.version.empty()) invalid("version (Cartesia-Version) is required");
  const auto& format = config.output_format;
  const bool telephony =
      (format.encoding == Encoding::mulaw || format.encoding == Encoding::alaw) &&
      format.sample_rate == 8000;
  const bool pcm =
      format.encoding == Encoding::pcm16_le &&
      std::find(kPcmRates.begin(), kPcmRates.end(), format.sample_rate) != kPcmRates.end();
  if (!telephony && !pcm) {
    invalid(
        "output format must be μ-law or A-law at 8000 Hz, or PCM16 LE at 8000, 16000, "
        "22050, 24000 or 44100 Hz");
  }
  if (!within(config.speed, 0.6, 1.5)) invalid("speed must be within 0.6..1.5");
  if (!within(config.volume, 0.5, 2.0)) invalid("volume must be within 0.5..2.0");
  if (config.max_buffer_delay_ms &&
      (*config.max_buffer_delay_ms < 0 || *config.max_buffer_delay_ms > 5000)) {
    invalid("max_buffer_delay_ms must be within 0..5000");
  }
  if (config.turn_gap <= milliseconds::zero() || config.connect_timeout <= milliseconds::zero() ||
      config.first_byte_timeout <= milliseconds::zero() ||
      config.idle_timeout <= milliseconds::zero() || config.max_retry_wait < milliseconds::zero() ||
      config.socket_idle_timeout <= milliseconds::zero()) {
    invalid("timeouts must be positive");
  }
  if (config.max_attempts < 1) invalid("max_attempts must be at least 1");
}

}  // namespace patter::providers
