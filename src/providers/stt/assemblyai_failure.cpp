#include "providers/stt/assemblyai_failure.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <string>

#include "core/log.hpp"
#include "providers/stt/assemblyai_config.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

constexpr std::size_t kShownBytes = 200;

std::string shorten(std::string_view text) {
  std::string line(text.substr(0, kShownBytes));
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::replace(line.begin(), line.end(), '\r', ' ');
  return line + (text.size() > kShownBytes ? "..." : "");
}

// AssemblyAI's {"error": "..."}, else the start of the body.
std::string server_message(std::string_view body) {
  boost::system::error_code error;
  const auto parsed = json::parse(body, error);
  if (!error && parsed.is_object()) {
    for (const auto* key : {"error", "message", "detail"}) {
      const auto* value = parsed.as_object().if_contains(key);
      if (value != nullptr && value->is_string()) return core::redact(shorten(value->as_string()));
    }
  }
  return core::redact(shorten(body));
}

std::string with_body(std::string text, std::string_view body) {
  const auto quoted = body.empty() ? std::string() : server_message(body);
  return quoted.empty() ? text : text + ": " + quoted;
}

std::string check_key() {
  return "check " + std::string(kAssemblyAiKeyVariable);
}

bool mentions(std::string_view text, std::string_view part) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find(part) != std::string::npos;
}

}  // namespace

SttFailure assemblyai_handshake_failure(int status, std::string_view body) {
  const auto http = "HTTP " + std::to_string(status);
  if (status == 401 || status == 403) {
    return {core::Errc::upstream_auth,
            with_body("assemblyai: the API key was rejected (" + http + "); " + check_key(), body),
            false};
  }
  if (status == 429) {
    return {core::Errc::rate_limited,
            with_body("assemblyai: rate limited (" + http + "), too many new sessions", body),
            true};
  }
  const bool retryable = status == 408 || status >= 500;
  return {core::Errc::upstream_error,
          with_body("assemblyai: the stream was refused (" + http + ")", body), retryable};
}

SttFailure assemblyai_client_failure(const net::ClientError& error) {
  const auto code = error.kind() == net::ClientErrorKind::connect_timeout ||
                            error.kind() == net::ClientErrorKind::read_timeout
                        ? core::Errc::timeout
                        : core::Errc::unavailable;
  return {code, "assemblyai: cannot connect: " + core::redact(error.what()), true};
}

SttFailure assemblyai_close_failure(std::uint16_t code, std::string_view reason) {
  const auto shown = reason.empty() ? std::string() : " " + core::redact(shorten(reason));
  const auto closed = "(" + std::to_string(code) + shown + ")";
  const bool concurrency = code == 3009 || mentions(reason, "too many concurrent sessions");
  if (concurrency) {
    return {core::Errc::rate_limited, "assemblyai: rate limited " + closed, true};
  }
  if (code == 1008 || code == 4001) {
    return {core::Errc::upstream_auth,
            "assemblyai: the connection was not authorized " + closed + "; " + check_key(), false};
  }
  const auto text = "assemblyai: the stream was closed " + closed;
  if (code == 3006) return {core::Errc::protocol_error, text, false};
  if (code == 3007 || code == 4002 || code == 4003)
    return {core::Errc::upstream_error, text, false};
  return {core::Errc::upstream_error, text, true};
}

SttFailure assemblyai_malformed_message(std::string_view detail) {
  return {core::Errc::protocol_error,
          "assemblyai: malformed message from the server: " + core::redact(shorten(detail)), false};
}

SttFailure assemblyai_unexpected_failure(std::string_view what) {
  return {core::Errc::internal, "assemblyai: " + core::redact(shorten(what)), true};
}

}  // namespace patter::providers
