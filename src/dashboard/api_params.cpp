#include "dashboard/api_params.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <string>

namespace patter::dashboard {
namespace {

constexpr UnixMs kMsPerDay = 86'400'000;

bool read_digits(std::string_view& text, std::size_t count, int& out) {
  if (text.size() < count) return false;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  text.remove_prefix(count);
  return true;
}

bool consume(std::string_view& text, char expected) {
  if (text.empty() || text.front() != expected) return false;
  text.remove_prefix(1);
  return true;
}

std::optional<UnixMs> parse_unix_seconds(std::string_view text) {
  double seconds = 0.0;
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, seconds, std::chars_format::fixed);
  if (error != std::errc() || ptr != end || !std::isfinite(seconds) || seconds < 0.0 || seconds > 1e11) {
    return std::nullopt;
  }
  return static_cast<UnixMs>(std::llround(seconds * 1000.0));
}

// Parses "[.fraction](Z|±HH:MM|±HHMM)?" at the end of an ISO time into ms adjustments.
bool parse_fraction_and_offset(std::string_view& text, UnixMs& fraction_ms, UnixMs& offset_ms) {
  if (consume(text, '.')) {
    std::size_t digits = 0;
    UnixMs ms = 0;
    while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
      if (digits < 3) ms = ms * 10 + (text.front() - '0');
      ++digits;
      text.remove_prefix(1);
    }
    if (digits == 0) return false;
    for (std::size_t i = digits; i < 3; ++i) ms *= 10;
    fraction_ms = ms;
  }
  if (text.empty() || consume(text, 'Z') || consume(text, 'z')) return text.empty();
  const char sign = text.front();
  if (sign != '+' && sign != '-') return false;
  text.remove_prefix(1);
  int hours = 0;
  int minutes = 0;
  if (!read_digits(text, 2, hours)) return false;
  consume(text, ':');
  if (!read_digits(text, 2, minutes) || !text.empty() || hours > 23 || minutes > 59) return false;
  const UnixMs offset = (hours * 60 + minutes) * 60'000LL;
  offset_ms = sign == '+' ? offset : -offset;
  return true;
}

std::optional<UnixMs> parse_iso(std::string_view text, bool date_means_end_of_day) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!read_digits(text, 4, year) || !consume(text, '-') || !read_digits(text, 2, month) ||
      !consume(text, '-') || !read_digits(text, 2, day)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  const UnixMs midnight = std::chrono::sys_days{date}.time_since_epoch().count() * kMsPerDay;
  if (text.empty()) return date_means_end_of_day ? midnight + kMsPerDay : midnight;

  if (!consume(text, 'T') && !consume(text, 't') && !consume(text, ' ')) return std::nullopt;
  int hours = 0;
  int minutes = 0;
  int seconds = 0;
  if (!read_digits(text, 2, hours) || !consume(text, ':') || !read_digits(text, 2, minutes)) return std::nullopt;
  if (consume(text, ':') && !read_digits(text, 2, seconds)) return std::nullopt;
  if (hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;
  UnixMs fraction_ms = 0;
  UnixMs offset_ms = 0;
  if (!parse_fraction_and_offset(text, fraction_ms, offset_ms)) return std::nullopt;
  return midnight + ((hours * 60LL + minutes) * 60 + seconds) * 1000 + fraction_ms - offset_ms;
}

}  // namespace

std::int64_t int_param(const net::HttpRequest& request, std::string_view name, std::int64_t fallback,
                       std::int64_t min, std::int64_t max) {
  const auto text = request.query_param(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, error] = std::from_chars(text->data(), end, value);
  if (text->empty() || error != std::errc() || ptr != end || value < min || value > max) {
    throw net::HttpError(400, std::string(name) + " must be an integer between " + std::to_string(min) +
                                  " and " + std::to_string(max));
  }
  return value;
}

std::optional<UnixMs> parse_time(std::string_view text, bool date_means_end_of_day) {
  if (text.empty()) return std::nullopt;
  if (text.find('-') == std::string_view::npos) return parse_unix_seconds(text);
  return parse_iso(text, date_means_end_of_day);
}

std::optional<UnixMs> time_param(const net::HttpRequest& request, std::string_view name, TimeBound bound) {
  const auto text = request.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  auto value = parse_time(*text, bound == TimeBound::to);
  if (!value) {
    throw net::HttpError(400, std::string(name) +
                                  " must be an ISO 8601 date (2025-05-11 or 2025-05-11T21:46:40Z) or unix seconds");
  }
  return value;
}

}  // namespace patter::dashboard
