#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "net/client_error.hpp"
#include "net/http_client.hpp"

namespace patter::providers {

// Why an OpenAI transcription stream (or one utterance's request) could not go on, with the
// message the call logs. Messages start with "openai_transcribe:", never contain the API key,
// and say whether trying again may help.
struct TranscribeFailure {
  core::Errc code = core::Errc::upstream_error;
  std::string message;
  bool retryable = false;
  std::optional<std::chrono::milliseconds> retry_after;  // from a 429 or 503
};

// A refused WebSocket upgrade or a REST response that is not 2xx: 401/403 name OPENAI_API_KEY,
// 429 is rate limiting (retryable, with Retry-After), 408/409/5xx are retryable, the rest (400:
// a bad model, language or file) are final. OpenAI's {"error":{"message","code"}} is quoted.
TranscribeFailure transcribe_failure_from_status(int status, const net::HeaderList& headers,
                                                 std::string_view body, core::WallTime now);
// Connecting, TLS, a timeout or a dropped connection without an HTTP answer; retryable except
// TLS and protocol errors.
TranscribeFailure transcribe_failure_from_client_error(const net::ClientError& error);
// The server closed a socket we did not ask to close: 1008 (policy) is final, anything else
// reconnects.
TranscribeFailure transcribe_failure_from_close(std::uint16_t code, std::string_view reason);
// An error event: server_error reconnects, the rest (a rejected session.update) are final.
TranscribeFailure transcribe_server_error(std::string_view type, std::string_view code,
                                          std::string_view message);
TranscribeFailure transcribe_malformed(std::string_view detail);
// Anything else that stopped an attempt; retryable.
TranscribeFailure transcribe_unexpected(std::string_view what);

}  // namespace patter::providers
