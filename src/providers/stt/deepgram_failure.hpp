#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "net/client_error.hpp"

namespace patter::providers {

// Why a Deepgram stream could not go on, with the message the call logs. Messages start with
// "deepgram:", never contain the API key, and say whether reconnecting may help.
struct SttFailure {
  core::Errc code = core::Errc::upstream_error;
  std::string message;
  bool retryable = false;
};

// A refused handshake: 401/403 name DEEPGRAM_API_KEY, 429 is rate limiting (retryable), 408
// and 5xx are retryable, 400 and the rest are final. Deepgram's err_msg/err_code is quoted.
SttFailure failure_from_handshake(int status, std::string_view body);
// Connecting, TLS or the upgrade failed without an HTTP answer; retryable.
SttFailure failure_from_client_error(const net::ClientError& error);
// The server closed a stream we did not ask to close. 1008 (DATA-0000, bad audio or
// parameters) is final: sending the same audio again cannot help; anything else reconnects.
SttFailure failure_from_close(std::uint16_t code, std::string_view reason);
SttFailure malformed_message(std::string_view detail);
SttFailure server_error(std::string_view message);
// Anything else that stopped a connection attempt; retryable.
SttFailure unexpected_failure(std::string_view what);

}  // namespace patter::providers
