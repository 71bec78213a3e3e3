#include "providers/tts/openai_speech_failure.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/log.hpp"
#include "net/retry.hpp"
#include "providers/tts/openai_speech_config.hpp"

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

struct ErrorBody {
  std::string text;  // "message (code)", or the start of the body
  std::string code;
};

// OpenAI's {"error":{"message","type","param","code"}}, else the start of the body as it came.
ErrorBody error_body(std::string_view body) {
  boost::system::error_code parse_error;
  const auto parsed = json::parse(body, parse_error);
  const auto* object = parse_error ? nullptr : parsed.if_object();
  const auto* error = object != nullptr ? object->if_contains("error") : nullptr;
  if (error == nullptr || !error->is_object()) return {core::redact(shorten(body)), {}};
  const auto& fields = error->as_object();
  ErrorBody out;
  if (const auto* message = fields.if_contains("message"); message && message->is_string()) {
    out.text = shorten(message->as_string());
  }
  if (const auto* code = fields.if_contains("code"); code && code->is_string()) {
    out.code = std::string(code->as_string());
    out.text += (out.text.empty() ? "" : " ") + ("(" + out.code + ")");
  }
  out.text = core::redact(out.text.empty() ? shorten(body) : out.text);
  return out;
}

SpeechFailure make(core::Errc code, const std::string& text, bool retryable) {
  return {code, "openai_tts: " + text + (retryable ? " (retryable)" : ""), retryable, std::nullopt};
}

std::string seconds_text(milliseconds delay) {
  const auto seconds = (delay.count() + 999) / 1000;
  return std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
}

}  // namespace

SpeechFailure speech_failure_from_status(int status, const net::HeaderList& headers,
                                         std::string_view body, core::WallTime now) {
  const auto quoted = body.empty() ? ErrorBody{} : error_body(body);
  const auto detail =
      "HTTP " + std::to_string(status) + (quoted.text.empty() ? "" : ": " + quoted.text);
  if (status == 401 || status == 403) {
    return make(
        core::Errc::upstream_auth,
        "authentication failed (" + detail + "); check " + std::string(kOpenAiSpeechKeyVariable),
        false);
  }
  std::optional<milliseconds> retry_after;
  if (const auto value = net::find_header(headers, "retry-after")) {
    retry_after = net::parse_retry_after(*value, now);
  }
  if (status == 429) {
    if (quoted.code == "insufficient_quota") {
      return make(core::Errc::rate_limited, "quota exceeded (" + detail + ")", false);
    }
    auto failure = make(core::Errc::rate_limited, "rate limited (" + detail + ")", true);
    failure.retry_after = retry_after;
    if (retry_after) failure.message += "; retry after " + seconds_text(*retry_after);
    return failure;
  }
  if (status == 408 || status == 409 || status >= 500) {
    auto failure = make(core::Errc::upstream_error, "server error (" + detail + ")", true);
    failure.retry_after = retry_after;
    return failure;
  }
  return make(core::Errc::upstream_error, "request rejected (" + detail + ")", false);
}

SpeechFailure speech_failure_from_client_error(const net::ClientError& error) {
  const auto text = core::redact(error.what());
  switch (error.kind()) {
    case net::ClientErrorKind::connect_failed:
    case net::ClientErrorKind::connect_timeout:
      return make(core::Errc::unavailable, "cannot connect: " + text, true);
    case net::ClientErrorKind::read_timeout:
    case net::ClientErrorKind::total_timeout:
      return make(core::Errc::timeout, "timed out: " + text, true);
    case net::ClientErrorKind::connection_closed:
      return make(core::Errc::upstream_error, "connection lost: " + text, true);
    case net::ClientErrorKind::protocol_error:
      return make(core::Errc::protocol_error, "malformed response: " + text, false);
    default:
      return make(core::Errc::upstream_error, text, false);
  }
}

SpeechFailure speech_first_byte_timeout(milliseconds limit) {
  return make(core::Errc::timeout,
              "timed out: no audio within " + std::to_string(limit.count()) + " ms", true);
}

SpeechFailure speech_idle_timeout(milliseconds limit) {
  return make(core::Errc::timeout,
              "timed out: the audio stopped for " + std::to_string(limit.count()) + " ms", true);
}

SpeechFailure speech_rejected_input(std::string_view why) {
  return make(core::Errc::bad_request, std::string(why), false);
}

SpeechFailure speech_unexpected(std::string_view what) {
  return make(core::Errc::internal, core::redact(what), false);
}

}  // namespace patter::providers
