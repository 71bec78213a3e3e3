#include "providers/tts/elevenlabs_failure.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/log.hpp"
#include "net/retry.hpp"
#include "providers/tts/elevenlabs_config.hpp"

namespace patter::providers {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t kShownBytes = 200;

std::string shorten(std::string_view text) {
  std::string line(text.substr(0, kShownBytes));
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::replace(line.begin(), line.end(), '\r', ' ');
  return line + (text.size() > kShownBytes ? "..." : "");
}

std::string string_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

// {"detail":{"status","message"}}, {"detail":[{"msg"},...]} (validation), {"detail":"..."}; else
// the start of the body as it came.
std::string server_message(std::string_view body) {
  boost::system::error_code parse_error;
  const auto parsed = json::parse(body, parse_error);
  const auto* object = parse_error ? nullptr : parsed.if_object();
  const auto* detail = object != nullptr ? object->if_contains("detail") : nullptr;
  if (detail == nullptr) return shorten(body);
  if (detail->is_string()) return shorten(detail->as_string());
  if (const auto* fields = detail->if_object()) {
    auto message = shorten(string_field(*fields, "message"));
    if (const auto status = string_field(*fields, "status"); !status.empty())
      message += (message.empty() ? "" : " ") + ("(" + status + ")");
    return message.empty() ? shorten(body) : message;
  }
  if (const auto* problems = detail->if_array()) {
    std::string joined;
    for (const auto& problem : *problems) {
      const auto* fields = problem.if_object();
      if (fields == nullptr) continue;
      joined += (joined.empty() ? "" : "; ") + string_field(*fields, "msg");
    }
    return joined.empty() ? shorten(body) : shorten(joined);
  }
  return shorten(body);
}

std::string status_text(int status, std::string_view body) {
  const auto message = body.empty() ? std::string() : core::redact(server_message(body));
  return "HTTP " + std::to_string(status) + (message.empty() ? "" : ": " + message);
}

std::string seconds_text(milliseconds delay) {
  const auto seconds = (delay.count() + 999) / 1000;
  return std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
}

TtsFailure make(const ElevenLabsConfig& config, core::Errc code, const std::string& text,
                bool retryable) {
  TtsFailure failure;
  failure.code = code;
  failure.retryable = retryable;
  failure.message = std::string(elevenlabs_provider_name(config.transport)) + ": " + text +
                    (retryable ? " (retryable)" : "");
  return failure;
}

std::optional<milliseconds> retry_after_of(const net::HeaderList& headers, core::WallTime now) {
  if (const auto value = net::find_header(headers, "retry-after"))
    return net::parse_retry_after(*value, now);
  return std::nullopt;
}

}  // namespace

TtsFailure failure_from_status(const ElevenLabsConfig& config, int status,
                               const net::HeaderList& headers, std::string_view body,
                               core::WallTime now) {
  const auto detail = status_text(status, body);
  if (status == 401 || status == 403) {
    return make(config, core::Errc::upstream_auth,
                "authentication failed (" + detail + "); check " + config.api_key_variable,
                false);
  }
  if (status == 402) {
    return make(config, core::Errc::upstream_error,
                "payment required (" + detail + "); the voice or model needs a paid plan", false);
  }
  if (status == 404) {
    return make(config, core::Errc::upstream_error,
                "not found (" + detail + "); check the voice id \"" + config.voice_id + "\"",
                false);
  }
  if (status == 429) {
    auto failure = make(config, core::Errc::rate_limited, "rate limited (" + detail + ")", true);
    failure.retry_after = retry_after_of(headers, now);
    if (failure.retry_after)
      failure.message += "; retry after " + seconds_text(*failure.retry_after);
    return failure;
  }
  if (status == 408 || status == 409 || status >= 500) {
    auto failure = make(config, core::Errc::upstream_error, "server error (" + detail + ")", true);
    failure.retry_after = retry_after_of(headers, now);
    return failure;
  }
  return make(config, core::Errc::upstream_error, "request rejected (" + detail + ")", false);
}

TtsFailure failure_from_client_error(const ElevenLabsConfig& config,
                                     const net::ClientError& error) {
  switch (error.kind()) {
    case net::ClientErrorKind::connect_failed:
    case net::ClientErrorKind::connect_timeout:
      return make(config, core::Errc::unavailable, std::string("cannot connect: ") + error.what(),
                  true);
    case net::ClientErrorKind::read_timeout:
    case net::ClientErrorKind::total_timeout:
      return make(config, core::Errc::timeout, std::string("timed out: ") + error.what(), true);
    case net::ClientErrorKind::connection_closed:
      return make(config, core::Errc::upstream_error,
                  std::string("connection lost: ") + error.what(), true);
    case net::ClientErrorKind::protocol_error:
      return make(config, core::Errc::protocol_error,
                  std::string("malformed response: ") + error.what(), false);
    default:
      return make(config, core::Errc::upstream_error, error.what(), false);
  }
}

TtsFailure first_byte_timeout(const ElevenLabsConfig& config) {
  return make(config, core::Errc::timeout,
              "timed out: no audio within " + std::to_string(config.first_byte_timeout.count()) +
                  " ms",
              true);
}

TtsFailure idle_timeout(const ElevenLabsConfig& config) {
  return make(config, core::Errc::timeout,
              "timed out: the audio stopped for " + std::to_string(config.idle_timeout.count()) +
                  " ms",
              true);
}

TtsFailure malformed_message(const ElevenLabsConfig& config, std::string_view detail) {
  return make(config, core::Errc::protocol_error,
              "malformed message: " + core::redact(shorten(detail)), false);
}

TtsFailure stream_error(const ElevenLabsConfig& config, std::string_view error,
                        std::string_view message) {
  const bool final = error == "payment_required" || error == "quota_exceeded" ||
                     error == "invalid_api_key" || error == "invalid_input_message";
  std::string text = "error in the stream: " + core::redact(shorten(message));
  if (!error.empty()) text += " (" + std::string(error) + ")";
  return make(config,
              error == "invalid_api_key" ? core::Errc::upstream_auth : core::Errc::upstream_error,
              text, !final);
}

TtsFailure closed_early(const ElevenLabsConfig& config, std::uint16_t code,
                        std::string_view reason) {
  std::string text = "connection lost: the socket closed before isFinal (close " +
                     std::to_string(code) +
                     (reason.empty() ? "" : ": " + core::redact(shorten(reason))) + ")";
  // 1008 is how ElevenLabs refuses a request on the socket; retrying sends the same again.
  return make(config,
              code == 1008 ? core::Errc::policy_violation : core::Errc::upstream_error, text,
              code != 1008);
}

TtsFailure unexpected_failure(const ElevenLabsConfig& config, std::string_view what) {
  return make(config, core::Errc::internal, core::redact(what), false);
}

}  // namespace patter::providers
