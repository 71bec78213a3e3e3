#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "net/client_error.hpp"
#include "net/http_client.hpp"

namespace patter::providers {

// Why a sentence failed, with the message the call logs. Messages start with "openai_tts:",
// never contain the API key, and say whether the failure is worth another try.
struct SpeechFailure {
  core::Errc code = core::Errc::upstream_error;
  std::string message;
  bool retryable = false;
  std::optional<std::chrono::milliseconds> retry_after;  // from a 429 or 503
};

// A response that is not 2xx: 401/403 name OPENAI_API_KEY, 429 carries Retry-After (a quota
// that ran out, insufficient_quota, is final), 408/409/5xx are retryable, other statuses (400: a
// bad voice or input) are final. OpenAI's {"error":{"message","code"}} is quoted, redacted.
SpeechFailure speech_failure_from_status(int status, const net::HeaderList& headers,
                                         std::string_view body, core::WallTime now);
// A transport failure; connecting, timing out and dropped connections are retryable.
SpeechFailure speech_failure_from_client_error(const net::ClientError& error);
SpeechFailure speech_first_byte_timeout(std::chrono::milliseconds limit);
SpeechFailure speech_idle_timeout(std::chrono::milliseconds limit);
// A sentence the API cannot take (too long); final.
SpeechFailure speech_rejected_input(std::string_view why);
// Anything else that ended an attempt (an event handler that threw, say); final.
SpeechFailure speech_unexpected(std::string_view what);

}  // namespace patter::providers
