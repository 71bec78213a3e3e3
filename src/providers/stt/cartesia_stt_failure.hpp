#pragma once

#include <cstdint>
#include <string_view>

#include "net/client_error.hpp"
#include "providers/stt/deepgram_failure.hpp"

namespace patter::providers {

// Why a Cartesia stream could not go on (SttFailure, shared with Deepgram). Messages start
// with "cartesia_stt:", never contain the API key, and say whether reconnecting may help.

// A refused handshake: 401/403 name CARTESIA_API_KEY, 429 is the concurrency limit
// (retryable), 408 and 5xx are retryable, 400 and the rest are final. Cartesia's
// title/message/error_code (or message/error) is quoted.
SttFailure cartesia_handshake_failure(int status, std::string_view body);
// Connecting, TLS or the upgrade failed without an HTTP answer; retryable.
SttFailure cartesia_connect_failure(const net::ClientError& error);
// The server closed a stream we did not ask to close; 1008 (a policy violation: bad audio or
// parameters) is final, anything else reconnects.
SttFailure cartesia_close_failure(std::uint16_t code, std::string_view reason);
// {"type":"error"}: 429, 408 and 5xx reconnect, the rest are final.
SttFailure cartesia_server_error(std::string_view message, int status);
SttFailure cartesia_malformed_message(std::string_view detail);
// Anything else that stopped a connection attempt; retryable.
SttFailure cartesia_unexpected_failure(std::string_view what);

}  // namespace patter::providers
