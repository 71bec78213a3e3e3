#pragma once

#include <string>

#include "dashboard/call_records.hpp"

namespace patter::dashboard {

// ISO 8601 UTC with milliseconds, e.g. 2026-05-12T09:30:00.250Z.
[[nodiscard]] std::string format_iso_utc(UnixMs ms);

}  // namespace patter::dashboard
