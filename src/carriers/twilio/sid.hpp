#pragma once

#include <string_view>

namespace patter::carriers::twilio {

// The kinds of Twilio SID the runtime puts into REST URLs, each with its two-letter prefix.
enum class SidKind {
  call,       // CA
  account,    // AC
  stream,     // MZ
  recording,  // RE
};

[[nodiscard]] std::string_view sid_prefix(SidKind kind);

// True for exactly the prefix of `kind` followed by 32 lower-case hex digits.
[[nodiscard]] bool is_valid_sid(std::string_view sid, SidKind kind);

// Throws core::Error(bad_request) naming the expected kind, without echoing the value.
void require_valid_sid(std::string_view sid, SidKind kind);

}  // namespace patter::carriers::twilio
