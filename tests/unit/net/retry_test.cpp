#include "net/retry.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "fakes/run_coroutine.hpp"
#include "net/client_error.hpp"
#include "net/http_client.hpp"

namespace patter::net {
namespace {

using std::chrono::milliseconds;

RetryPolicy policy_of(int max_attempts, milliseconds initial_delay, milliseconds max_delay,
                      double jitter) {
  RetryPolicy policy;
  policy.max_attempts = max_attempts;
  policy.initial_delay = initial_delay;
  policy.max_delay = max_delay;
  policy.jitter = jitter;
  return policy;
}

HttpClientResponse response_with(int status, HeaderList headers = {}) {
  HttpClientResponse response;
  response.status = status;
  response.headers = std::move(headers);
  return response;
}

TEST(RetryDelay, GrowsExponentiallyAndCaps) {
  const auto policy = policy_of(10, milliseconds(100), milliseconds(1000), 0.0);
  EXPECT_EQ(retry_delay(policy, 1, 0.5), milliseconds(100));
  EXPECT_EQ(retry_delay(policy, 2, 0.5), milliseconds(200));
  EXPECT_EQ(retry_delay(policy, 3, 0.5), milliseconds(400));
  EXPECT_EQ(retry_delay(policy, 4, 0.5), milliseconds(800));
  EXPECT_EQ(retry_delay(policy, 5, 0.5), milliseconds(1000));
  EXPECT_EQ(retry_delay(policy, 30, 0.5), milliseconds(1000));
}

TEST(RetryDelay, JitterStaysWithinBand) {
  const auto policy = policy_of(3, milliseconds(1000), milliseconds(60000), 0.2);
  EXPECT_EQ(retry_delay(policy, 1, 0.0), milliseconds(800));
  EXPECT_EQ(retry_delay(policy, 1, 0.5), milliseconds(1000));
  EXPECT_EQ(retry_delay(policy, 1, 0.999), milliseconds(1200));
}

TEST(RetryDelay, RetryAfterReplacesBackoffAndIsCapped) {
  auto policy = policy_of(3, milliseconds(100), milliseconds(1000), 0.2);
  policy.max_retry_after = milliseconds(5000);
  EXPECT_EQ(retry_delay(policy, 1, 0.3, milliseconds(3000)), milliseconds(3000));
  EXPECT_EQ(retry_delay(policy, 1, 0.3, milliseconds(90000)), milliseconds(5000));
}

TEST(RetryAfter, ParsesSecondsAndHttpDates) {
  const auto now =
      std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_retry_after("120", now), milliseconds(120000));
  EXPECT_EQ(parse_retry_after(" 0 ", now), milliseconds(0));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), milliseconds(30000));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), milliseconds(0));
  EXPECT_FALSE(parse_retry_after("soon", now).has_value());
  EXPECT_FALSE(parse_retry_after("-5", now).has_value());
}

TEST(RetryVerdicts, HttpStatusesAndTransientFailures) {
  const auto now = std::chrono::system_clock::now();
  const auto throttled = response_with(429, {{"retry-after", "2"}});
  const auto verdict = judge_http_response(throttled, now);
  EXPECT_TRUE(verdict.retry);
  EXPECT_EQ(verdict.retry_after, milliseconds(2000));
  EXPECT_TRUE(judge_http_response(response_with(503), now).retry);
  EXPECT_FALSE(judge_http_response(response_with(401), now).retry);
  EXPECT_FALSE(judge_http_response(response_with(200), now).retry);

  EXPECT_TRUE(is_transient_failure(ClientError(ClientErrorKind::connection_closed, "x")));
  EXPECT_TRUE(is_transient_failure(ClientError(ClientErrorKind::connect_timeout, "x")));
  EXPECT_FALSE(is_transient_failure(ClientError(ClientErrorKind::tls_failed, "x")));
  EXPECT_FALSE(is_transient_failure(std::runtime_error("x")));
}

TEST(RetryAsync, RetriesUntilSuccessAndStopsAtMaxAttempts) {
  boost::asio::io_context io;
  const auto policy = policy_of(3, milliseconds(1), milliseconds(10), 0.0);
  int calls = 0;
  auto flaky = [&]() -> boost::asio::awaitable<int> {
    ++calls;
    if (calls < 3) throw ClientError(ClientErrorKind::connection_closed, "dropped");
    co_return 42;
  };
  const int value = fakes::run_coroutine(
      io, retry_async<int>(policy, flaky, [](const int&) { return RetryVerdict{}; }));
  EXPECT_EQ(value, 42);
  EXPECT_EQ(calls, 3);

  calls = 0;
  auto always_fails = [&]() -> boost::asio::awaitable<int> {
    ++calls;
    throw ClientError(ClientErrorKind::connect_failed, "refused");
    co_return 0;
  };
  EXPECT_THROW(
      fakes::run_coroutine(
          io, retry_async<int>(policy, always_fails, [](const int&) { return RetryVerdict{}; })),
      ClientError);
  EXPECT_EQ(calls, 3);

  calls = 0;
  auto fatal = [&]() -> boost::asio::awaitable<int> {
    ++calls;
    throw ClientError(ClientErrorKind::tls_failed, "bad cert");
    co_return 0;
  };
  EXPECT_THROW(fakes::run_coroutine(
                   io, retry_async<int>(policy, fatal, [](const int&) { return RetryVerdict{}; })),
               ClientError);
  EXPECT_EQ(calls, 1);
}

TEST(RetryAsync, RetriesRetryableResultsAndReturnsTheLast) {
  boost::asio::io_context io;
  const auto policy = policy_of(2, milliseconds(1), milliseconds(10), 0.0);
  int calls = 0;
  auto throttled = [&]() -> boost::asio::awaitable<int> { co_return ++calls; };
  const int last =
      fakes::run_coroutine(io, retry_async<int>(policy, throttled, [](const int&) {
                             return RetryVerdict{.retry = true, .retry_after = milliseconds(1)};
                           }));
  EXPECT_EQ(last, 2);
}

}  // namespace
}  // namespace patter::net
