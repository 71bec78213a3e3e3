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

struct ElevenLabsConfig;

// Why a sentence failed, with the message the call logs. Messages start with the provider's
// name ("elevenlabs" or "elevenlabs_ws"), never contain the API key, and say whether the failure
// is worth another try.
struct TtsFailure {
  core::Errc code = core::Errc::upstream_error;
  std::string message;
  bool retryable = false;
  std::optional<std::chrono::milliseconds> retry_after;  // from a 429 or 503
};

// A response (or refused WebSocket upgrade) that is not 2xx: 401/403 name the key's environment
// variable, 402 is a plan limit, 404 names the voice, 429 carries Retry-After, 408/409/5xx are
// retryable, other statuses are final. ElevenLabs' {"detail":{"status","message"}} and 422's
// {"detail":[{"msg"}]} are quoted, redacted.
TtsFailure failure_from_status(const ElevenLabsConfig& config, int status,
                               const net::HeaderList& headers, std::string_view body,
                               core::WallTime now);
// A transport failure; connecting, timing out and dropped connections are retryable.
TtsFailure failure_from_client_error(const ElevenLabsConfig& config,
                                     const net::ClientError& error);
TtsFailure first_byte_timeout(const ElevenLabsConfig& config);
TtsFailure idle_timeout(const ElevenLabsConfig& config);
TtsFailure malformed_message(const ElevenLabsConfig& config, std::string_view detail);
// An {"error": ..., "message": ...} message on the stream-input socket. payment_required and
// quota errors are final; the rest are retried while no audio was played.
TtsFailure stream_error(const ElevenLabsConfig& config, std::string_view error,
                        std::string_view message);
// The socket closed before isFinal; `code` and `reason` are the close frame's.
TtsFailure closed_early(const ElevenLabsConfig& config, std::uint16_t code,
                        std::string_view reason);
// Anything else that ended an attempt (an event handler that threw, say); final.
TtsFailure unexpected_failure(const ElevenLabsConfig& config, std::string_view what);

}  // namespace patter::providers
