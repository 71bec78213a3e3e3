#include "providers/llm/chat_failure.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "core/log.hpp"
#include "net/retry.hpp"

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

// OpenAI-style {"error":{"message","code"|"type"}}, a bare {"error":"..."} or {"message"}; else
// the start of the body as it came.
std::string server_message(std::string_view body) {
  boost::system::error_code parse_error;
  const auto parsed = json::parse(body, parse_error);
  if (!parse_error && parsed.is_object()) {
    const auto& object = parsed.as_object();
    const json::value* error = object.if_contains("error");
    if (error != nullptr && error->is_string()) return shorten(error->as_string());
    const json::object* fields =
        error != nullptr && error->is_object() ? &error->as_object() : &object;
    std::string message;
    if (const auto* text = fields->if_contains("message"); text && text->is_string()) {
      message = shorten(text->as_string());
    }
    for (const auto* key : {"code", "type"}) {
      const auto* value = fields->if_contains(key);
      if (value && value->is_string() && !value->as_string().empty()) {
        message += (message.empty() ? "" : " ") + ("(" + std::string(value->as_string()) + ")");
        break;
      }
    }
    if (!message.empty()) return message;
  }
  return shorten(body);
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
  if (status == 401 || status == 403) {
    return make(config, core::Errc::upstream_auth,
                "authentication failed (" + detail + "); " + key_advice(config), false);
  }
  if (status == 429) {
    auto failure = make(config, core::Errc::rate_limited, "rate limited (" + detail + ")", true);
    failure.retry_after = retry_after_of(headers, now);
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
              "connection lost: the stream ended before the reply was finished (no finish_reason, "
              "no [DONE])",
              true);
}

ChatFailure unexpected_failure(const ChatConfig& config, std::string_view what) {
  return make(config, core::Errc::internal, core::redact(what), false);
}

}  // namespace patter::providers
