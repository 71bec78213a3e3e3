#include "carriers/twilio/sid.hpp"

#include <algorithm>
#include <cstddef>
#include <string>

#include "core/error.hpp"

namespace patter::carriers::twilio {

namespace {

constexpr std::size_t kSidLength = 34;

std::string_view kind_name(SidKind kind) {
  switch (kind) {
    case SidKind::call:
      return "call";
    case SidKind::account:
      return "account";
    case SidKind::stream:
      return "stream";
    case SidKind::recording:
      return "recording";
  }
  return "unknown";
}

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

}  // namespace

std::string_view sid_prefix(SidKind kind) {
  switch (kind) {
    case SidKind::call:
      return "CA";
    case SidKind::account:
      return "AC";
    case SidKind::stream:
      return "MZ";
    case SidKind::recording:
      return "RE";
  }
  return {};
}

bool is_valid_sid(std::string_view sid, SidKind kind) {
  const auto prefix = sid_prefix(kind);
  return sid.size() == kSidLength && sid.starts_with(prefix) &&
         std::all_of(sid.begin() + static_cast<std::ptrdiff_t>(prefix.size()), sid.end(),
                     is_lower_hex);
}

void require_valid_sid(std::string_view sid, SidKind kind) {
  if (!is_valid_sid(sid, kind)) {
    throw core::Error(core::Errc::bad_request,
                      "invalid Twilio " + std::string(kind_name(kind)) + " SID: expected " +
                          std::string(sid_prefix(kind)) + " followed by 32 lower-case hex digits");
  }
}

}  // namespace patter::carriers::twilio
