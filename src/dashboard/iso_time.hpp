#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "dashboard/call_records.hpp"

namespace patter::dashboard {

// ISO 8601 UTC with milliseconds, e.g. 2026-05-12T09:30:00.250Z.
[[nodiscard]] std::string format_iso_utc(UnixMs ms);

// Reads YYYY-MM-DDTHH:MM:SS with optional fraction and a "Z" or "+00:00" zone; nullopt
// for anything else.
[[nodiscard]] std::optional<UnixMs> parse_iso_utc(std::string_view text);

}  // namespace patter::dashboard
