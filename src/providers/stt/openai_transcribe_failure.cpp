#include "providers/stt/openai_transcribe_failure.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/log.hpp"
#include "net/retry.hpp"
#include "providers/stt/openai_transcribe_config.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

constexpr std::size_t kShownBytes = 200;
constexpr std::string_view kPrefix = "openai_transcribe: ";

std::string shorten(std::string_view text) {
  std::string line(text.substr(0, kShownBytes));
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::replace(line.begin(), line.end(), '\r', ' ');
  return line + (text.size() > kShownBytes ? "..." : "");
}

// OpenAI's {"error":{"message","type","code"}}, else the start of the body.
std::string server_message(std::string_view body) {
  boost::system::error_code parse_error;
  const auto parsed = json::parse(body, parse_error);
  const auto* object = parse_error ? nullptr : parsed.if_object();
  const auto* error = object != nullptr ? object->if_contains("error") : nullptr;
  if (error != nullptr && error->is_object()) {
    const auto& fields = error->as_object();
    std::string message;
    if (const auto* text = fields.if_contains("message"); text && text->is_string()) {
      message = shorten(text->as_string());
    }
    if (const auto* code = fields.if_contains("code"); code && code->is_string()) {
      message += (message.empty() ? "" : " ") + ("(" + std::string(code->as_string()) + ")");
    }
    if (!message.empty()) return core::redact(message);
  }
  return core::redact(shorten(body));
}

TranscribeFailure make(core::Errc code, std::string text, bool retryable) {
  return {code, std::string(kPrefix) + text, retryable, std::nullopt};
}

std::string status_text(int status, std::string_view body) {
  const auto quoted = body.empty() ? std::string() : server_message(body);
  return "HTTP " + std::to_string(status) + (quoted.empty() ? "" : ": " + quoted);
}

}  // namespace

TranscribeFailure transcribe_failure_from_status(int status, const net::HeaderList& headers,
                                                 std::string_view body, core::WallTime now) {
  const auto detail = status_text(status, body);
  if (status == 401 || status == 403) {
    return make(core::Errc::upstream_auth,
                "the API key was rejected (" + detail + "); check " +
                    std::string(kOpenAiTranscribeKeyVariable),
                false);
  }
  std::optional<std::chrono::milliseconds> retry_after;
  if (const auto value = net::find_header(headers, "retry-after")) {
    retry_after = net::parse_retry_after(*value, now);
  }
  if (status == 429) {
    auto failure = make(core::Errc::rate_limited, "rate limited (" + detail + ")", true);
    failure.retry_after = retry_after;
    return failure;
  }
  if (status == 408 || status == 409 || status >= 500) {
    auto failure = make(core::Errc::upstream_error, "server error (" + detail + ")", true);
    failure.retry_after = retry_after;
    return failure;
  }
  return make(core::Errc::upstream_error, "request rejected (" + detail + ")", false);
}

TranscribeFailure transcribe_failure_from_client_error(const net::ClientError& error) {
  const auto text = core::redact(error.what());
  switch (error.kind()) {
    case net::ClientErrorKind::connect_timeout:
    case net::ClientErrorKind::read_timeout:
    case net::ClientErrorKind::total_timeout:
      return make(core::Errc::timeout, "timed out: " + text, true);
    case net::ClientErrorKind::connection_closed:
      return make(core::Errc::upstream_error, "connection lost: " + text, true);
    case net::ClientErrorKind::tls_failed:
    case net::ClientErrorKind::protocol_error:
    case net::ClientErrorKind::invalid_request:
      return make(core::Errc::protocol_error, "cannot connect: " + text, false);
    default:
      return make(core::Errc::unavailable, "cannot connect: " + text, true);
  }
}

TranscribeFailure transcribe_failure_from_close(std::uint16_t code, std::string_view reason) {
  const auto text = "the socket was closed (" + std::to_string(code) +
                    (reason.empty() ? "" : " " + core::redact(shorten(reason))) + ")";
  return make(code == 1008 ? core::Errc::policy_violation : core::Errc::upstream_error, text,
              code != 1008);
}

TranscribeFailure transcribe_server_error(std::string_view type, std::string_view code,
                                          std::string_view message) {
  std::string text = core::redact(shorten(message));
  if (!code.empty()) text += " (" + std::string(code) + ")";
  return make(core::Errc::upstream_error, text, type == "server_error");
}

TranscribeFailure transcribe_malformed(std::string_view detail) {
  return make(core::Errc::protocol_error,
              "malformed message from the server: " + core::redact(shorten(detail)), false);
}

TranscribeFailure transcribe_unexpected(std::string_view what) {
  return make(core::Errc::internal, core::redact(shorten(what)), true);
}

}  // namespace patter::providers
