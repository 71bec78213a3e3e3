#pragma once

#include <chrono>
#include <string_view>

#include "core/clock.hpp"

namespace patter::carriers::telnyx {

enum class WebhookCheck {
  ok,
  missing_headers,         // telnyx-signature-ed25519 or telnyx-timestamp absent or empty
  bad_timestamp,           // telnyx-timestamp is not a whole number of unix seconds
  stale_timestamp,         // more than kMaxClockSkew before or after now
  bad_key,                 // the configured public key is neither form below
  bad_signature_encoding,  // no signature in the header is base64 of 64 bytes
  mismatch,                // no signature verifies
};

[[nodiscard]] std::string_view to_string(WebhookCheck check);

inline constexpr std::chrono::seconds kMaxClockSkew{300};

// The headers of one webhook delivery, exactly as received.
struct WebhookHeaders {
  std::string_view signature;  // telnyx-signature-ed25519: one or more base64, comma-separated
  std::string_view timestamp;  // telnyx-timestamp: unix seconds
};

// True when `public_key` is base64 of the raw 32-byte Ed25519 key (as the Telnyx portal shows
// it) or of its DER SubjectPublicKeyInfo; for checking configuration at startup.
[[nodiscard]] bool is_valid_public_key(std::string_view public_key);

// Verifies the Ed25519 signature over "{timestamp}|{raw_body}". During key rotation the header
// holds several signatures; one that verifies is enough.
[[nodiscard]] WebhookCheck verify_webhook(std::string_view public_key,
                                          const WebhookHeaders& headers, std::string_view raw_body,
                                          core::WallTime now);

}  // namespace patter::carriers::telnyx
