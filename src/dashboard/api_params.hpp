#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "dashboard/call_records.hpp"
#include "net/http_message.hpp"

// Query parameter parsing for the dashboard API; every invalid value throws
// net::HttpError(400) with a message naming the parameter.
namespace patter::dashboard {

[[nodiscard]] std::int64_t int_param(const net::HttpRequest& request, std::string_view name,
                                     std::int64_t fallback, std::int64_t min, std::int64_t max);

// Unix seconds ("1747000000", "1747000000.5") or ISO 8601 ("2025-05-11",
// "2025-05-11T21:46:40Z", "2025-05-11T23:46:40+02:00"; no offset means UTC).
[[nodiscard]] std::optional<UnixMs> parse_time(std::string_view text, bool date_means_end_of_day);

// A date-only `to` covers that whole day.
enum class TimeBound { from, to };
[[nodiscard]] std::optional<UnixMs> time_param(const net::HttpRequest& request, std::string_view name,
                                               TimeBound bound);

}  // namespace patter::dashboard
