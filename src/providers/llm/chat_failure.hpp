#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "net/client_error.hpp"
#include "net/http_client.hpp"
#include "providers/llm/chat_config.hpp"

namespace patter::providers {

// Why a reply failed, in the runtime's error vocabulary, with the message the call logs.
// Messages start with the provider's name, never contain the API key, and say whether the
// failure is worth another try.
struct ChatFailure {
  core::Errc code = core::Errc::upstream_error;
  std::string message;
  bool retryable = false;
  std::optional<std::chrono::milliseconds> retry_after;  // from a 429 or 503
};

// A response that is not 2xx: 401/403 (and Google's 400 API_KEY_INVALID) name the key's
// environment variable, 429 carries Retry-After (or retry-after-ms, or Google's RetryInfo
// retryDelay), 408/409/5xx (Anthropic's 529 overloaded included) are retryable, other statuses
// are final. The server's own error message ({"error":{"message","code"|"type"|"status"}}) is
// quoted, redacted.
ChatFailure failure_from_status(const ChatConfig& config, int status,
                                const net::HeaderList& headers, std::string_view body,
                                core::WallTime now);
// A transport failure; connecting, timing out and dropped connections are retryable.
ChatFailure failure_from_client_error(const ChatConfig& config, const net::ClientError& error);
ChatFailure first_token_timeout(const ChatConfig& config);
ChatFailure malformed_stream(const ChatConfig& config, std::string_view detail);
ChatFailure stream_error(const ChatConfig& config, std::string_view server_message);
ChatFailure stream_ended_early(const ChatConfig& config);
// Anything else that ended an attempt (an event handler that threw, say); final.
ChatFailure unexpected_failure(const ChatConfig& config, std::string_view what);

}  // namespace patter::providers
