#pragma once

#include <string>
#include <string_view>

namespace patter::session {

// The header a remote brain request carries when on_message.secret is set.
inline constexpr std::string_view kSignatureHeader = "X-Patter-Signature";

// Lower-case hex HMAC-SHA256 of `message` under `key` (64 characters).
[[nodiscard]] std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace patter::session
