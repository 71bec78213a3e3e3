#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <random>
#include <string_view>

#include "core/clock.hpp"
#include "core/random_seed.hpp"

namespace patter::net {

struct HttpClientResponse;

struct RetryPolicy {
  int max_attempts = 3;  // including the first
  std::chrono::milliseconds initial_delay{200};
  double multiplier = 2.0;
  std::chrono::milliseconds max_delay{std::chrono::seconds(10)};
  double jitter = 0.2;  // each delay is scaled by a random factor in [1 - jitter, 1 + jitter)
  // A server's Retry-After is obeyed up to this; beyond it the wait is capped here.
  std::chrono::milliseconds max_retry_after{std::chrono::seconds(60)};
};

// Delay before retry number `retry` (1 = the first retry). `jitter_sample` is a uniform
// random number in [0, 1); a server's Retry-After, when given, replaces the back-off.
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int retry, double jitter_sample,
                                      std::optional<std::chrono::milliseconds> retry_after = {});

// A Retry-After header value: delta-seconds or an HTTP-date (relative to `now`). Nullopt when
// the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           core::WallTime now);

struct RetryVerdict {
  bool retry = false;
  std::optional<std::chrono::milliseconds> retry_after;
};

// Retries 408, 429, 500, 502, 503 and 504, honouring the response's Retry-After.
RetryVerdict judge_http_response(const HttpClientResponse& response, core::WallTime now);

// Failures worth another attempt: the peer could not be reached, dropped the connection or
// went silent. TLS, protocol and invalid-request errors are final.
bool is_transient_failure(const std::exception& error);

// Runs an idempotent operation up to policy.max_attempts times, waiting with exponential
// back-off and jitter between attempts. The last result is returned and the last failure is
// rethrown when attempts run out.
template <typename Result>
boost::asio::awaitable<Result> retry_async(
    RetryPolicy policy, std::function<boost::asio::awaitable<Result>()> operation,
    std::function<RetryVerdict(const Result&)> judge_result,
    std::function<bool(const std::exception&)> is_retryable = is_transient_failure) {
  std::minstd_rand random(static_cast<std::minstd_rand::result_type>(core::random_seed()));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int attempt = 1;; ++attempt) {
    std::optional<std::chrono::milliseconds> retry_after;
    try {
      Result result = co_await operation();
      const auto verdict = judge_result(result);
      if (!verdict.retry || attempt >= policy.max_attempts) co_return result;
      retry_after = verdict.retry_after;
    } catch (const std::exception& error) {
      if (attempt >= policy.max_attempts || !is_retryable(error)) throw;
    }
    boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor,
                                    retry_delay(policy, attempt, unit(random), retry_after));
    co_await pause.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace patter::net
