#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "net/client_error.hpp"

namespace patter::providers {

// Why an OpenAI Realtime session could not start or go on, as the message the call logs.
// Messages start with "openai_realtime:" and never contain the API key. A realtime session
// keeps its conversation on the server, so none of these is retried: each ends the session.

// A refused handshake: 401/403 name OPENAI_API_KEY, 429 is rate limiting, 404 an unknown
// model; OpenAI's {"error":{"message"}} is quoted.
std::string handshake_failure(int status, std::string_view body);
// Connecting, TLS or the upgrade failed without an HTTP answer.
std::string connect_failure(const net::ClientError& error);
// The socket closed while the session was in use.
std::string dropped_failure(std::uint16_t code, std::string_view reason);
// session.updated did not arrive in time.
std::string ready_timeout_failure(long long waited_ms);
// An `error` event: the server's message, its code when it has one.
std::string server_error_message(std::string_view code, std::string_view message);

}  // namespace patter::providers
