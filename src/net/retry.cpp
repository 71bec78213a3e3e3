#include "net/retry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <sstream>

#include "net/client_error.hpp"
#include "net/http_client.hpp"

namespace patter::net {

using std::chrono::milliseconds;

milliseconds retry_delay(const RetryPolicy& policy, int retry, double jitter_sample,
                         std::optional<milliseconds> retry_after) {
  if (retry_after) return std::clamp(*retry_after, milliseconds::zero(), policy.max_retry_after);
  const double exponent = std::max(retry - 1, 0);
  const double base =
      static_cast<double>(policy.initial_delay.count()) * std::pow(policy.multiplier, exponent);
  const double capped = std::min(base, static_cast<double>(policy.max_delay.count()));
  const double factor = 1.0 + policy.jitter * (2.0 * std::clamp(jitter_sample, 0.0, 1.0) - 1.0);
  const double jittered =
      std::clamp(capped * factor, 0.0, static_cast<double>(policy.max_delay.count()));
  return milliseconds(static_cast<milliseconds::rep>(std::llround(jittered)));
}

std::optional<milliseconds> parse_retry_after(std::string_view value, core::WallTime now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc{} || end != value.data() + value.size()) return std::nullopt;
    return std::chrono::duration_cast<milliseconds>(std::chrono::seconds(seconds));
  }
  std::tm parts{};
  std::istringstream input{std::string(value)};
  input.imbue(std::locale::classic());
  input >> std::get_time(&parts, "%a, %d %b %Y %H:%M:%S GMT");
  if (input.fail()) return std::nullopt;
  const auto when = std::chrono::system_clock::from_time_t(timegm(&parts));
  return std::max(std::chrono::duration_cast<milliseconds>(when - now), milliseconds::zero());
}

RetryVerdict judge_http_response(const HttpClientResponse& response, core::WallTime now) {
  static constexpr int kRetryable[] = {408, 429, 500, 502, 503, 504};
  RetryVerdict verdict;
  verdict.retry = std::find(std::begin(kRetryable), std::end(kRetryable), response.status) !=
                  std::end(kRetryable);
  if (verdict.retry) {
    if (const auto header = response.header("Retry-After")) {
      verdict.retry_after = parse_retry_after(*header, now);
    }
  }
  return verdict;
}

bool is_transient_failure(const std::exception& error) {
  const auto* client_error = dynamic_cast<const ClientError*>(&error);
  if (client_error == nullptr) return false;
  switch (client_error->kind()) {
    case ClientErrorKind::connect_failed:
    case ClientErrorKind::connect_timeout:
    case ClientErrorKind::connection_closed:
    case ClientErrorKind::read_timeout:
      return true;
    default:
      return false;
  }
}

}  // namespace patter::net
