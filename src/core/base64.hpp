#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace patter::core {

// Standard base64 with padding (RFC 4648 §4), as carriers and providers carry audio and keys.
[[nodiscard]] std::string encode_base64(std::span<const std::uint8_t> bytes);
// The same, appended to `out` (for messages built in one buffer).
void append_base64(std::string& out, std::span<const std::uint8_t> bytes);

// Strict standard base64 with padding: nullopt for a length that is not a multiple of 4, any
// character outside the alphabet (whitespace included) or '=' anywhere but the last two places.
// The empty text is the empty byte string.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text);

}  // namespace patter::core
