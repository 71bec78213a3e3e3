#include "providers/stt/deepgram_failure.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/log.hpp"
#include "providers/stt/deepgram_config.hpp"

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

// Deepgram's {"err_code","err_msg","request_id"}, else the start of the body.
std::string server_message(std::string_view body) {
  boost::system::error_code error;
  const auto parsed = json::parse(body, error);
  if (!error && parsed.is_object()) {
    const auto& object = parsed.as_object();
    std::string message;
    for (const auto* key : {"err_msg", "message", "reason"}) {
      if (const auto* value = object.if_contains(key); value && value->is_string()) {
        message = shorten(value->as_string());
        break;
      }
    }
    if (const auto* code = object.if_contains("err_code"); code && code->is_string()) {
      message += (message.empty() ? "" : " ") + ("(" + std::string(code->as_string()) + ")");
    }
    if (!message.empty()) return core::redact(message);
  }
  return core::redact(shorten(body));
}

std::string with_body(std::string text, std::string_view body) {
  const auto quoted = body.empty() ? std::string() : server_message(body);
  return quoted.empty() ? text : text + ": " + quoted;
}

}  // namespace

SttFailure failure_from_handshake(int status, std::string_view body) {
  const auto http = "HTTP " + std::to_string(status);
  if (status == 401 || status == 403) {
    return {core::Errc::upstream_auth,
            with_body("deepgram: the API key was rejected (" + http + "); check " +
                          std::string(kDeepgramKeyVariable),
                      body),
            false};
  }
  if (status == 429) {
    return {core::Errc::rate_limited,
            with_body("deepgram: rate limited (" + http + "), too many concurrent streams", body),
            true};
  }
  const bool retryable = status == 408 || status >= 500;
  return {core::Errc::upstream_error,
          with_body("deepgram: the stream was refused (" + http + ")", body), retryable};
}

SttFailure failure_from_client_error(const net::ClientError& error) {
  const auto code = error.kind() == net::ClientErrorKind::connect_timeout ||
                            error.kind() == net::ClientErrorKind::read_timeout
                        ? core::Errc::timeout
                        : core::Errc::unavailable;
  return {code, "deepgram: cannot connect: " + core::redact(error.what()), true};
}

SttFailure failure_from_close(std::uint16_t code, std::string_view reason) {
  const auto text = "deepgram: the stream was closed (" + std::to_string(code) +
                    (reason.empty() ? "" : " " + core::redact(shorten(reason))) + ")";
  if (code == 1008) return {core::Errc::upstream_error, text, false};
  return {core::Errc::upstream_error, text, true};
}

SttFailure malformed_message(std::string_view detail) {
  return {core::Errc::protocol_error,
          "deepgram: malformed message from the server: " + core::redact(shorten(detail)), false};
}

SttFailure server_error(std::string_view message) {
  return {core::Errc::upstream_error, "deepgram: " + core::redact(shorten(message)), false};
}

SttFailure unexpected_failure(std::string_view what) {
  return {core::Errc::internal, "deepgram: " + core::redact(shorten(what)), true};
}

}  // namespace patter::providers
