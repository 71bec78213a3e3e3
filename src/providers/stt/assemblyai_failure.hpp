#pragma once

#include <cstdint>
#include <string_view>

#include "net/client_error.hpp"
#include "providers/stt/deepgram_failure.hpp"

namespace patter::providers {

// Why an AssemblyAI stream could not go on (SttFailure, shared with Deepgram). Messages start
// with "assemblyai:", never contain the API key, and say whether reconnecting may help.

// A refused handshake: 401/403 name ASSEMBLYAI_API_KEY, 429 is rate limiting (retryable), 408
// and 5xx are retryable, 400 and the rest are final. The body's error text is quoted.
SttFailure assemblyai_handshake_failure(int status, std::string_view body);
// Connecting, TLS or the upgrade failed without an HTTP answer; retryable.
SttFailure assemblyai_client_failure(const net::ClientError& error);
// The server closed a stream we did not ask to close; `reason` is the preceding Error
// message's text when there was one, else the close reason. 1008 and 4001 (not authorized)
// name ASSEMBLYAI_API_KEY unless they say "too many concurrent sessions", which, like 3009, is
// rate limiting and retried. 3006 (a message it refused), 3007 (audio chunk length or rate) and
// 4002/4003 (account) are final; the rest (3005 server error, 3008 session expired, 1006 drop,
// 1011, a 1000 we did not ask for) reconnect.
SttFailure assemblyai_close_failure(std::uint16_t code, std::string_view reason);
SttFailure assemblyai_malformed_message(std::string_view detail);
// Anything else that stopped a connection attempt; retryable.
SttFailure assemblyai_unexpected_failure(std::string_view what);

}  // namespace patter::providers
