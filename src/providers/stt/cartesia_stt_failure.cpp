#include "providers/stt/cartesia_stt_failure.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <string>

#include "core/log.hpp"
#include "providers/stt/cartesia_stt_config.hpp"

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

std::string field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? shorten(value->as_string()) : std::string();
}

// {"title","message","error_code"} or {"message"} or {"error"}, else the start of the body.
std::string server_message(std::string_view body) {
  boost::system::error_code error;
  const auto parsed = json::parse(body, error);
  if (!error && parsed.is_object()) {
    const auto& object = parsed.as_object();
    auto message = field(object, "message");
    if (message.empty()) message = field(object, "error");
    if (message.empty()) message = field(object, "title");
    if (const auto code = field(object, "error_code"); !code.empty()) {
      message += (message.empty() ? "" : " ") + ("(" + code + ")");
    }
    if (!message.empty()) return core::redact(message);
  }
  return core::redact(shorten(body));
}

std::string with_body(std::string text, std::string_view body) {
  const auto quoted = body.empty() ? std::string() : server_message(body);
  return quoted.empty() ? text : text + ": " + quoted;
}

bool retryable_status(int status) {
  return status == 408 || status == 429 || status >= 500;
}

}  // namespace

SttFailure cartesia_handshake_failure(int status, std::string_view body) {
  const auto http = "HTTP " + std::to_string(status);
  if (status == 401 || status == 403) {
    return {core::Errc::upstream_auth,
            with_body("cartesia_stt: the API key was rejected (" + http + "); check " +
                          std::string(kCartesiaKeyVariable),
                      body),
            false};
  }
  if (status == 429) {
    return {
        core::Errc::rate_limited,
        with_body("cartesia_stt: rate limited (" + http + "), over the concurrency limit", body),
        true};
  }
  return {core::Errc::upstream_error,
          with_body("cartesia_stt: the stream was refused (" + http + ")", body),
          retryable_status(status)};
}

SttFailure cartesia_connect_failure(const net::ClientError& error) {
  const auto code = error.kind() == net::ClientErrorKind::connect_timeout ||
                            error.kind() == net::ClientErrorKind::read_timeout
                        ? core::Errc::timeout
                        : core::Errc::unavailable;
  return {code, "cartesia_stt: cannot connect: " + core::redact(error.what()), true};
}

SttFailure cartesia_close_failure(std::uint16_t code, std::string_view reason) {
  const auto text = "cartesia_stt: the stream was closed (" + std::to_string(code) +
                    (reason.empty() ? "" : " " + core::redact(shorten(reason))) + ")";
  return {code == 1008 ? core::Errc::policy_violation : core::Errc::upstream_error, text,
          code != 1008};
}

SttFailure cartesia_server_error(std::string_view message, int status) {
  const auto text = "cartesia_stt: " + core::redact(shorten(message)) +
                    (status != 0 ? " (status " + std::to_string(status) + ")" : "");
  if (status == 429) return {core::Errc::rate_limited, text, true};
  if (status == 401 || status == 403) {
    return {core::Errc::upstream_auth, text + "; check " + std::string(kCartesiaKeyVariable),
            false};
  }
  return {core::Errc::upstream_error, text, retryable_status(status)};
}

SttFailure cartesia_malformed_message(std::string_view detail) {
  return {core::Errc::protocol_error,
          "cartesia_stt: malformed message from the server: " + core::redact(shorten(detail)),
          false};
}

SttFailure cartesia_unexpected_failure(std::string_view what) {
  return {core::Errc::internal, "cartesia_stt: " + core::redact(shorten(what)), true};
}

}  // namespace patter::providers
