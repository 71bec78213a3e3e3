#include "providers/llm/chat_failure.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cstdint>

#include "core/log.hpp"
#include "net/retry.hpp"
#include "providers/llm/llm_json.hpp"

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

// The error object's description ({"error":{...}}, a bare {"error":"..."}, or a top-level
// {"message"}); else the start of the body as it came.
std::string server_message(std::string_view body) {
  boost::system::error_code parse_error;
  const auto parsed = json::parse(body, parse_error);
  if (!parse_error && parsed.is_object()) {
    const auto* error = parsed.as_object().if_contains("error");
    if (auto description = error_description(error != nullptr ? *error : parsed))
      return shorten(*description);
  }
  return shorten(body);
}

// What Google's error details say: [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
// "reason": "API_KEY_INVALID"}, {"@type": "type.googleapis.com/google.rpc.RetryInfo",
// "retryDelay": "37s"}]. Gemini rejects a wrong key with 400, not 401.
struct GoogleDetails {
  bool key_invalid = false;
  std::optional<milliseconds> retry_delay;
};

GoogleDetails google_details(std::string_view body) {
  GoogleDetails found;
  boost::system::error_code parse_error;
  const auto parsed = json::parse(body, parse_error);
  const auto* error =
      !parse_error && parsed.is_object() ? parsed.as_object().if_contains("error") : nullptr;
  const auto* details =
      error != nullptr && error->is_object() ? error->as_object().if_contains("details") : nullptr;
  if (details == nullptr || !details->is_array()) return found;
  for (const auto& detail : details->as_array()) {
    const auto* fields = detail.if_object();
    if (fields == nullptr) continue;
    if (const auto* reason = fields->if_contains("reason");
        reason && reason->is_string() && reason->as_string() == "API_KEY_INVALID") {
      found.key_invalid = true;
    }
    if (const auto* delay = fields->if_contains("retryDelay"); delay && delay->is_string()) {
      const std::string_view text = delay->as_string();
      double seconds = -1;
      const auto [last, failure] = std::from_chars(text.data(), text.data() + text.size(), seconds);
      if (failure == std::errc{} && seconds >= 0 &&
          std::string_view(last, text.data() + text.size() - last) == "s") {
        found.retry_delay = milliseconds(static_cast<std::int64_t>(seconds * 1000));
      }
    }
  }
  return found;
}

std::string status_text(int status, std::string_view body) {
  const auto message = body.empty() ? std::string() : core::redact(server_message(body));
  return "HTTP " + std::to_string(status) + (message.empty() ? "" : ": " + message);
}

std::optional<milliseconds> retry_after_of(const net::HeaderList& headers, core::WallTime now) {
  if (const auto value = net::find_header(headers, "retry-after-ms")) {
    long long ms = 0;
    const auto* end = value->data() + value->size();
    if (const auto [last, error] = std::from_chars(value->data(), end, ms);
        error == std::errc{} && last == end && ms >= 0) {
      return milliseconds(ms);
    }
  }
  if (const auto value = net::find_header(headers, "retry-after"))
    return net::parse_retry_after(*value, now);
  return std::nullopt;
}

std::string seconds_text(milliseconds delay) {
  const auto seconds = (delay.count() + 999) / 1000;
  return std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
}

std::string key_advice(const ChatConfig& config) {
  if (!config.api_key_variable.empty()) return "check " + config.api_key_variable;
  return config.api_key.empty() ? "the server wants an API key: set api_key" : "check api_key";
}

ChatFailure make(const ChatConfig& config, core::Errc code, const std::string& text,
                 bool retryable) {
  ChatFailure failure;
  failure.code = code;
  failure.retryable = retryable;
  failure.message = config.provider + ": " + text + (retryable ? " (retryable)" : "");
  return failure;
}

}  // namespace

ChatFailure failure_from_status(const ChatConfig& config, int status,
                                const net::HeaderList& headers, std::string_view body,
                                core::WallTime now) {
  const auto detail = status_text(status, body);
  const auto google = google_details(body);
  if (status == 401 || status == 403 || (status == 400 && google.key_invalid)) {
    return make(config, core::Errc::upstream_auth,
                "authentication failed (" + detail + "); " + key_advice(config), false);
  }
  if (status == 429) {
    auto failure = make(config, core::Errc::rate_limited, "rate limited (" + detail + ")", true);
    failure.retry_after = retry_after_of(headers, now);
    if (!failure.retry_after) failure.retry_after = google.retry_delay;
    if (failure.retry_after)
      failure.message += "; retry after " + seconds_text(*failure.retry_after);
    return failure;
  }
  if (status == 404) {
    return make(config, core::Errc::upstream_error,
                "not found (" + detail + "); check the model \"" + config.model + "\" and base_url",
                false);
  }
  if (status == 408 || status == 409 || status >= 500) {
    auto failure = make(config, core::Errc::upstream_error, "server error (" + detail + ")", true);
    failure.retry_after = retry_after_of(headers, now);
    return failure;
  }
  return make(config, core::Errc::upstream_error, "request rejected (" + detail + ")", false);
}

ChatFailure failure_from_client_error(const ChatConfig& config, const net::ClientError& error) {
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
    default:
      return make(config, core::Errc::upstream_error, error.what(), false);
  }
}

ChatFailure first_token_timeout(const ChatConfig& config) {
  return make(config, core::Errc::timeout,
              "timed out: no first token within " +
                  std::to_string(config.first_token_timeout.count()) + " ms",
              true);
}

ChatFailure malformed_stream(const ChatConfig& config, std::string_view detail) {
  return make(config, core::Errc::protocol_error, core::redact(detail), false);
}

ChatFailure stream_error(const ChatConfig& config, std::string_view server_message) {
  return make(config, core::Errc::upstream_error,
              "error in the stream: " + core::redact(shorten(server_message)), true);
}

ChatFailure stream_ended_early(const ChatConfig& config) {
  return make(config, core::Errc::upstream_error,
              "connection lost: the stream ended before the reply was finished", true);
}

ChatFailure unexpected_failure(const ChatConfig& config, std::string_view what) {
  return make(config, core::Errc::internal, core::redact(what), false);
}

}  // namespace patter::providers
