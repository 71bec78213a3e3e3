#pragma once

#include <cstdint>
#include <string_view>

#include "core/clock.hpp"
#include "net/client_error.hpp"
#include "net/http_client.hpp"
#include "providers/tts/elevenlabs_failure.hpp"

namespace patter::providers {

struct CartesiaTtsConfig;

// Why a Cartesia sentence failed (TtsFailure, shared with ElevenLabs). Messages start with
// "cartesia_tts:", never contain the API key, and say whether another try may help.

// A refused upgrade: 401/403 name the key's variable, 429 carries Retry-After, 408 and 5xx
// are retryable, other statuses are final. Cartesia's title/message/error_code is quoted.
TtsFailure cartesia_tts_refused(const CartesiaTtsConfig& config, int status,
                                const net::HeaderList& headers, std::string_view body,
                                core::WallTime now);
// Connecting or TLS failed; retryable.
TtsFailure cartesia_tts_cannot_connect(const net::ClientError& error);
// {"type":"error"} for the sentence's context: 429, 408 and 5xx are retryable, 401/403 name
// the key's variable, the rest (400: a bad voice, model or format) are final.
TtsFailure cartesia_tts_context_error(const CartesiaTtsConfig& config, int status,
                                      std::string_view message);
// The socket went away mid-sentence; retryable while no audio was played.
TtsFailure cartesia_tts_connection_lost(std::uint16_t code, std::string_view reason);
TtsFailure cartesia_tts_first_byte_timeout(const CartesiaTtsConfig& config);
TtsFailure cartesia_tts_idle_timeout(const CartesiaTtsConfig& config);
TtsFailure cartesia_tts_malformed(std::string_view detail);

}  // namespace patter::providers
