#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/client_error.hpp"

namespace patter::providers {

struct ElevenLabsConvAiConfig;

// The messages of the fatal errors that end a conversation. They start with
// "elevenlabs_convai: ", never contain the API key or a signed URL's token, and name what to
// check.

// The conversation socket's upgrade, or the signed-URL request (`signed_url` true), answered
// `status` instead: 401/403 name ELEVENLABS_API_KEY and the agent id, 404 the agent id, 429 the
// concurrency limit. ElevenLabs' {"detail":{"status","message"}} bodies are quoted, redacted.
std::string refused_failure(const ElevenLabsConvAiConfig& config, bool signed_url, int status,
                            std::string_view body);
// A transport failure while connecting (or fetching the signed URL).
std::string convai_connect_failure(const net::ClientError& error);
// A signed-URL answer without a usable signed_url.
std::string signed_url_failure(std::string_view detail);
// The socket closed: by the server with a close frame (`code`, `reason`), or dropped (1006).
std::string closed_failure(std::uint16_t code, std::string_view reason);
std::string convai_ready_timeout_failure(std::chrono::milliseconds timeout);
// The metadata named an audio format this runtime cannot convert.
std::string unsupported_format_failure(std::string_view which, std::string_view format);

}  // namespace patter::providers
