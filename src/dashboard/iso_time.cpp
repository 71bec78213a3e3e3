#include "dashboard/iso_time.hpp"

#include <array>
#include <chrono>
#include <cstdio>

namespace patter::dashboard {
namespace {

// Reads `count` digits at `at`; nullopt when one of them is not a digit.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool has(std::string_view text, std::size_t at, char c) {
  return at < text.size() && text[at] == c;
}

}  // namespace

std::string format_iso_utc(UnixMs ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds{ms}};
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  std::array<char, 40> buffer{};
  const int length = std::snprintf(
      buffer.data(), buffer.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
      static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
      static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
      static_cast<int>(clock.minutes().count()), static_cast<int>(clock.seconds().count()),
      static_cast<int>(clock.subseconds().count()));
  return {buffer.data(), static_cast<std::size_t>(length)};
}


std::optional<UnixMs> parse_iso_utc(std::string_view text) {
  namespace chrono = std::chrono;
  const auto y = digits(text, 0, 4);
  const auto mo = digits(text, 5, 2);
  const auto d = digits(text, 8, 2);
  const auto h = digits(text, 11, 2);
  const auto mi = digits(text, 14, 2);
  const auto s = digits(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s || !has(text, 4, '-') || !has(text, 7, '-') ||
      !(has(text, 10, 'T') || has(text, 10, ' ')) || !has(text, 13, ':') || !has(text, 16, ':')) {
    return std::nullopt;
  }
  const chrono::year_month_day date{chrono::year(*y), chrono::month(static_cast<unsigned>(*mo)),
                                    chrono::day(static_cast<unsigned>(*d))};
  if (!date.ok() || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  std::size_t at = 19;
  int millis = 0;
  if (has(text, at, '.')) {
    ++at;
    int scale = 100;
    const std::size_t first = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      millis += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == first) return std::nullopt;
  }
  const auto zone = text.substr(at);
  if (zone != "Z" && zone != "+00:00") return std::nullopt;
  const auto time = chrono::sys_days{date} + chrono::hours(*h) + chrono::minutes(*mi) + chrono::seconds(*s) +
                    chrono::milliseconds(millis);
  return chrono::duration_cast<chrono::milliseconds>(time.time_since_epoch()).count();
}

}  // namespace patter::dashboard
