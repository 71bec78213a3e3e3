#include "providers/tts/cartesia_tts_failure.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <string>

#include "core/log.hpp"
#include "net/retry.hpp"
#include "providers/tts/cartesia_tts_config.hpp"

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

std::string field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? shorten(value->as_string()) : std::string();
}

// {"title","message","error_code"}, {"message"} or {"error"}; else the start of the body.
std::string server_message(std::string_view body) {
  boost::system::error_code parse_error;
  const auto parsed = json::parse(body, parse_error);
  const auto* object = parse_error ? nullptr : parsed.if_object();
  if (object == nullptr) return shorten(body);
  auto message = field(*object, "message");
  if (message.empty()) message = field(*object, "error");
  if (message.empty()) message = field(*object, "title");
  if (const auto code = field(*object, "error_code"); !code.empty()) {
    message += (message.empty() ? "" : " ") + ("(" + code + ")");
  }
  return message.empty() ? shorten(body) : message;
}

TtsFailure make(core::Errc code, const std::string& text, bool retryable) {
  TtsFailure failure;
  failure.code = code;
  failure.retryable = retryable;
  failure.message = std::string(kCartesiaTtsName) + ": " + text + (retryable ? " (retryable)" : "");
  return failure;
}

bool retryable_status(int status) {
  return status == 408 || status == 429 || status >= 500;
}

}  // namespace

TtsFailure cartesia_tts_refused(const CartesiaTtsConfig& config, int status,
                                const net::HeaderList& headers, std::string_view body,
                                core::WallTime now) {
  const auto quoted = body.empty() ? std::string() : core::redact(server_message(body));
  const auto detail = "HTTP " + std::to_string(status) + (quoted.empty() ? "" : ": " + quoted);
  if (status == 401 || status == 403) {
    return make(core::Errc::upstream_auth,
                "authentication failed (" + detail + "); check " + config.api_key_variable, false);
  }
  if (status == 429) {
    auto failure = make(core::Errc::rate_limited, "rate limited (" + detail + ")", true);
    if (const auto value = net::find_header(headers, "retry-after")) {
      failure.retry_after = net::parse_retry_after(*value, now);
    }
    return failure;
  }
  if (retryable_status(status)) {
    return make(core::Errc::upstream_error, "server error (" + detail + ")", true);
  }
  return make(core::Errc::upstream_error, "request rejected (" + detail + ")", false);
}

TtsFailure cartesia_tts_cannot_connect(const net::ClientError& error) {
  const auto code = error.kind() == net::ClientErrorKind::connect_timeout ? core::Errc::timeout
                                                                          : core::Errc::unavailable;
  return make(code, "cannot connect: " + core::redact(error.what()), true);
}

TtsFailure cartesia_tts_context_error(const CartesiaTtsConfig& config, int status,
                                      std::string_view message) {
  const auto text = "error on the context: " + core::redact(shorten(message)) +
                    (status != 0 ? " (status " + std::to_string(status) + ")" : "");
  if (status == 401 || status == 403) {
    return make(core::Errc::upstream_auth, text + "; check " + config.api_key_variable, false);
  }
  if (status == 429) return make(core::Errc::rate_limited, text, true);
  return make(core::Errc::upstream_error, text, retryable_status(status));
}

TtsFailure cartesia_tts_connection_lost(std::uint16_t code, std::string_view reason) {
  return make(core::Errc::upstream_error,
              "connection lost: the socket closed mid-sentence (close " + std::to_string(code) +
                  (reason.empty() ? "" : ": " + core::redact(shorten(reason))) + ")",
              true);
}

TtsFailure cartesia_tts_first_byte_timeout(const CartesiaTtsConfig& config) {
  return make(
      core::Errc::timeout,
      "timed out: no audio within " + std::to_string(config.first_byte_timeout.count()) + " ms",
      true);
}

TtsFailure cartesia_tts_idle_timeout(const CartesiaTtsConfig& config) {
  return make(
      core::Errc::timeout,
      "timed out: the audio stopped for " + std::to_string(config.idle_timeout.count()) + " ms",
      true);
}

TtsFailure cartesia_tts_malformed(std::string_view detail) {
  return make(core::Errc::protocol_error, "malformed message: " + core::redact(shorten(detail)),
              false);
}

}  // namespace patter::providers
