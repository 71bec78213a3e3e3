#include "providers/realtime/openai_realtime_failure.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/log.hpp"
#include "providers/realtime/openai_realtime_config.hpp"

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

// OpenAI's {"error":{"message","code"}}, else the start of the body.
std::string body_message(std::string_view body) {
  boost::system::error_code error;
  const auto parsed = json::parse(body, error);
  if (!error && parsed.is_object()) {
    if (const auto* details = parsed.as_object().if_contains("error");
        details != nullptr && details->is_object()) {
      if (const auto* message = details->as_object().if_contains("message");
          message != nullptr && message->is_string()) {
        return core::redact(shorten(message->as_string()));
      }
    }
  }
  return core::redact(shorten(body));
}

std::string with_body(std::string text, std::string_view body) {
  const auto quoted = body.empty() ? std::string() : body_message(body);
  return quoted.empty() ? text : text + ": " + quoted;
}

}  // namespace

std::string handshake_failure(int status, std::string_view body) {
  const auto http = "HTTP " + std::to_string(status);
  if (status == 401 || status == 403) {
    return with_body("openai_realtime: the API key was rejected (" + http + "); check " +
                         std::string(kOpenAiKeyVariable),
                     body);
  }
  if (status == 429) return with_body("openai_realtime: rate limited (" + http + ")", body);
  if (status == 404) {
    return with_body("openai_realtime: no such model or endpoint (" + http + ")", body);
  }
  return with_body("openai_realtime: the session was refused (" + http + ")", body);
}

std::string connect_failure(const net::ClientError& error) {
  return "openai_realtime: cannot connect: " + core::redact(error.what());
}

std::string dropped_failure(std::uint16_t code, std::string_view reason) {
  return "openai_realtime: the connection was lost (" + std::to_string(code) +
         (reason.empty() ? "" : " " + core::redact(shorten(reason))) + ")";
}

std::string ready_timeout_failure(long long waited_ms) {
  return "openai_realtime: the session was not configured within " + std::to_string(waited_ms) +
         " ms (no session.updated)";
}

std::string server_error_message(std::string_view code, std::string_view message) {
  return "openai_realtime: " + core::redact(shorten(message)) +
         (code.empty() ? "" : " (" + std::string(code) + ")");
}

}  // namespace patter::providers
