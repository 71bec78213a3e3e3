#include "providers/tts/tts_exchange.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>
#include <utility>
#include <vector>

#include "core/exception_text.hpp"
#include "core/random_seed.hpp"
#include "net/retry.hpp"

namespace patter::providers {

namespace asio = boost::asio;
using std::chrono::milliseconds;

TtsExchange::TtsExchange(asio::any_io_executor loop, std::shared_ptr<Executor> relay,
                         TtsEvents events, std::shared_ptr<const ElevenLabsConfig> config)
    : config_(std::move(config)),
      loop_(std::move(loop)),
      relay_(std::move(relay)),
      events_(std::move(events)),
      watchdog_(loop_),
      backoff_(loop_) {}

void TtsExchange::start() {
  asio::co_spawn(loop_, run(),
                 [provider = std::string(elevenlabs_provider_name(config_->transport))](
                     const std::exception_ptr& error) {
                   // Only an event handler that throws from on_error or on_done gets here.
                   if (error)
                     spdlog::error("{}: a text-to-speech event handler threw: {}", provider,
                                   core::exception_text(error));
                 });
}

void TtsExchange::cancel() {
  if (ended_.exchange(true)) return;  // already over: let the connection finish
  asio::post(loop_, [self = shared_from_this()] { self->abort_all(); });
}

void TtsExchange::audio(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  audio_sent_ = true;
  expect(Deadline::next_audio);
  if (stopped()) return;
  if (!relay_) {
    if (events_.on_audio) events_.on_audio(bytes);
    return;
  }
  relay_->post([self = shared_from_this(), copy = std::vector<std::uint8_t>(bytes.begin(), bytes.end())] {
    if (!self->ended_ && self->events_.on_audio) self->events_.on_audio(copy);
  });
}

void TtsExchange::request_written() {
  if (request_reported_ || stopped()) return;
  request_reported_ = true;
  if (!events_.on_request_written) return;
  if (!relay_) {
    events_.on_request_written();
    return;
  }
  relay_->post([self = shared_from_this()] {
    if (!self->ended_) self->events_.on_request_written();
  });
}

void TtsExchange::done() {
  disarm();
  if (stopped()) return;
  concluded_ = true;
  if (!relay_) {
    if (!ended_.exchange(true) && events_.on_done) events_.on_done();
    return;
  }
  relay_->post([self = shared_from_this()] {
    if (!self->ended_.exchange(true) && self->events_.on_done) self->events_.on_done();
  });
}

void TtsExchange::fail(std::string message) {
  if (stopped()) return;
  concluded_ = true;
  if (!relay_) {
    if (!ended_.exchange(true) && events_.on_error) events_.on_error(message);
    return;
  }
  relay_->post([self = shared_from_this(), message = std::move(message)] {
    if (!self->ended_.exchange(true) && self->events_.on_error) self->events_.on_error(message);
  });
}

void TtsExchange::expect(Deadline deadline) {
  armed_ = deadline;
  watchdog_.expires_after(deadline == Deadline::first_audio ? config_->first_byte_timeout
                                                            : config_->idle_timeout);
  const auto generation = ++watch_generation_;
  watchdog_.async_wait([weak = weak_from_this(), generation](const boost::system::error_code& error) {
    const auto self = weak.lock();
    if (error || !self || self->watch_generation_ != generation) return;
    self->expired_ = self->armed_;
    self->armed_ = Deadline::none;
    self->abort_transport();
    self->abort_attempt_coroutine();
  });
}

void TtsExchange::disarm() {
  ++watch_generation_;
  armed_ = Deadline::none;
  watchdog_.cancel();
}

void TtsExchange::abort_attempt_coroutine() {
  if (attempt_running_) stop_.emit(asio::cancellation_type::terminal);
}

void TtsExchange::abort_all() {
  abort_transport();
  abort_attempt_coroutine();
  disarm();
  backoff_.cancel();
}

asio::awaitable<void> TtsExchange::run() {
  const auto self = shared_from_this();
  std::minstd_rand random(static_cast<std::minstd_rand::result_type>(core::random_seed()));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  net::RetryPolicy policy;
  policy.max_delay = config_->max_retry_wait;
  std::optional<TtsFailure> failure;
  for (int attempt_number = 1;; ++attempt_number) {
    failure.reset();
    expired_ = Deadline::none;
    try {
      auto bound = asio::co_spawn(loop_, attempt(),
                                  asio::bind_cancellation_slot(stop_.slot(), asio::use_awaitable));
      attempt_running_ = true;
      failure = co_await std::move(bound);
    } catch (const net::ClientError& error) {
      failure = failure_from_client_error(*config_, error);
    } catch (const std::exception& error) {
      failure = unexpected_failure(*config_, error.what());
    }
    attempt_running_ = false;
    disarm();
    if (stopped()) co_return;
    if (expired_ == Deadline::first_audio) failure = first_byte_timeout(*config_);
    if (expired_ == Deadline::next_audio) failure = idle_timeout(*config_);
    if (!failure) co_return;
    if (!failure->retryable || audio_sent_ || attempt_number >= config_->max_attempts) break;
    if (failure->retry_after && *failure->retry_after > config_->max_retry_wait) break;
    const auto delay = net::retry_delay(policy, attempt_number, unit(random), failure->retry_after);
    spdlog::debug("{}; trying again in {} ms", failure->message, delay.count());
    backoff_.expires_after(delay);
    boost::system::error_code ignored;
    co_await backoff_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (stopped()) co_return;
  }
  fail(failure->message);
}

namespace {

class ExchangeStream final : public TtsStream {
 public:
  explicit ExchangeStream(std::shared_ptr<TtsExchange> exchange)
      : exchange_(std::move(exchange)) {}
  ~ExchangeStream() override { cancel(); }
  ExchangeStream(const ExchangeStream&) = delete;
  ExchangeStream& operator=(const ExchangeStream&) = delete;

  void cancel() override { exchange_->cancel(); }

 private:
  std::shared_ptr<TtsExchange> exchange_;
};

}  // namespace

std::unique_ptr<TtsStream> make_tts_stream(std::shared_ptr<TtsExchange> exchange) {
  return std::make_unique<ExchangeStream>(std::move(exchange));
}

}  // namespace patter::providers
