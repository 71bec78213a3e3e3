#include "providers/tts/openai_speech_exchange.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "core/exception_text.hpp"
#include "core/random_seed.hpp"
#include "net/retry.hpp"
#include "providers/tts/openai_speech_failure.hpp"

namespace patter::providers {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxErrorBody = std::size_t{64} * 1024;

enum class Deadline : std::uint8_t { none, first_audio, next_audio };

// One sentence in flight. `ended_` is the only field touched off the loop: set by cancel() or by
// the terminal event, it silences every later event.
class SpeechExchange : public std::enable_shared_from_this<SpeechExchange> {
 public:
  SpeechExchange(asio::any_io_executor loop, std::shared_ptr<Executor> relay,
                 std::shared_ptr<net::HttpClient> client,
                 std::shared_ptr<const OpenAiSpeechConfig> config, net::HttpClientRequest request,
                 TtsEvents events)
      : loop_(std::move(loop)),
        relay_(std::move(relay)),
        client_(std::move(client)),
        config_(std::move(config)),
        request_(std::move(request)),
        events_(std::move(events)),
        watchdog_(loop_),
        backoff_(loop_) {}

  void start() {
    asio::co_spawn(loop_, run(shared_from_this()), [](const std::exception_ptr& error) {
      // Only an event handler that throws from on_error or on_done gets here.
      if (error) {
        spdlog::error("openai_tts: a text-to-speech event handler threw: {}",
                      core::exception_text(error));
      }
    });
  }

  void cancel() {
    if (ended_.exchange(true)) return;  // already over: let the connection finish
    asio::post(loop_, [self = shared_from_this()] { self->abort_all(); });
  }

 private:
  static asio::awaitable<void> run(std::shared_ptr<SpeechExchange> self) {
    std::minstd_rand random(static_cast<std::minstd_rand::result_type>(core::random_seed()));
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    net::RetryPolicy policy;
    policy.max_delay = self->config_->max_retry_wait;
    std::optional<SpeechFailure> failure;
    for (int attempt_number = 1;; ++attempt_number) {
      failure.reset();
      self->expired_ = Deadline::none;
      try {
        auto bound =
            asio::co_spawn(self->loop_, self->attempt(),
                           asio::bind_cancellation_slot(self->stop_.slot(), asio::use_awaitable));
        self->attempt_running_ = true;
        failure = co_await std::move(bound);
      } catch (const net::ClientError& error) {
        failure = speech_failure_from_client_error(error);
      } catch (const std::exception& error) {
        failure = speech_unexpected(error.what());
      }
      self->attempt_running_ = false;
      self->disarm();
      if (self->stopped()) co_return;
      if (self->expired_ == Deadline::first_audio) {
        failure = speech_first_byte_timeout(self->config_->first_byte_timeout);
      }
      if (self->expired_ == Deadline::next_audio) {
        failure = speech_idle_timeout(self->config_->idle_timeout);
      }
      if (!failure) co_return;
      if (!failure->retryable || self->audio_sent_ ||
          attempt_number >= self->config_->max_attempts) {
        break;
      }
      if (failure->retry_after && *failure->retry_after > self->config_->max_retry_wait) break;
      const auto delay =
          net::retry_delay(policy, attempt_number, unit(random), failure->retry_after);
      spdlog::debug("{}; trying again in {} ms", failure->message, delay.count());
      self->backoff_.expires_after(delay);
      boost::system::error_code ignored;
      co_await self->backoff_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      if (self->stopped()) co_return;
    }
    self->fail(failure->message);
  }

  asio::awaitable<std::optional<SpeechFailure>> attempt() {
    expect(Deadline::first_audio);
    auto pending = client_->stream(request_);
    request_written();
    auto response = co_await std::move(pending);
    response_ = &response;
    struct Release {
      SpeechExchange& exchange;
      ~Release() { exchange.response_ = nullptr; }
    } release{*this};
    if (response.status() < 200 || response.status() >= 300) {
      std::string body;
      try {
        auto rest = response.read_all(kMaxErrorBody);
        body = co_await std::move(rest);
      } catch (const std::exception& error) {
        spdlog::debug("openai_tts: could not read an error response: {}", error.what());
      }
      disarm();
      co_return speech_failure_from_status(response.status(), response.headers(), body,
                                           std::chrono::system_clock::now());
    }
    for (;;) {
      auto next = response.next_chunk();
      const auto bytes = co_await std::move(next);
      if (!bytes || stopped()) break;
      audio({reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()});
    }
    // Ended by a deadline (run() names it), by cancel(), or at the end of the body.
    if (!response.cancelled()) done();
    co_return std::nullopt;
  }

  [[nodiscard]] bool stopped() const { return concluded_ || ended_; }

  void audio(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;
    audio_sent_ = true;
    expect(Deadline::next_audio);
    if (stopped()) return;
    if (!relay_) {
      if (events_.on_audio) events_.on_audio(bytes);
      return;
    }
    relay_->post(
        [self = shared_from_this(), copy = std::vector<std::uint8_t>(bytes.begin(), bytes.end())] {
          if (!self->ended_ && self->events_.on_audio) self->events_.on_audio(copy);
        });
  }

  void request_written() {
    if (std::exchange(request_reported_, true) || stopped() || !events_.on_request_written) return;
    if (!relay_) {
      events_.on_request_written();
      return;
    }
    relay_->post([self = shared_from_this()] {
      if (!self->ended_) self->events_.on_request_written();
    });
  }

  void done() {
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

  void fail(std::string message) {
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

  // Fails the attempt when no audio arrives within the deadline's time.
  void expect(Deadline deadline) {
    armed_ = deadline;
    watchdog_.expires_after(deadline == Deadline::first_audio ? config_->first_byte_timeout
                                                              : config_->idle_timeout);
    const auto generation = ++watch_generation_;
    watchdog_.async_wait(
        [weak = weak_from_this(), generation](const boost::system::error_code& error) {
          const auto self = weak.lock();
          if (error || !self || self->watch_generation_ != generation) return;
          self->expired_ = self->armed_;
          self->armed_ = Deadline::none;
          self->abort_attempt();
        });
  }

  void disarm() {
    ++watch_generation_;
    armed_ = Deadline::none;
    watchdog_.cancel();
  }

  // Drops the connection of the attempt in flight and stops its coroutine.
  void abort_attempt() {
    if (response_ != nullptr) response_->cancel();
    if (attempt_running_) stop_.emit(asio::cancellation_type::terminal);
  }

  void abort_all() {
    abort_attempt();
    disarm();
    backoff_.cancel();
  }

  asio::any_io_executor loop_;
  std::shared_ptr<Executor> relay_;
  std::shared_ptr<net::HttpClient> client_;
  std::shared_ptr<const OpenAiSpeechConfig> config_;
  net::HttpClientRequest request_;
  TtsEvents events_;
  std::atomic<bool> ended_{false};

  asio::cancellation_signal stop_;
  bool attempt_running_ = false;
  net::HttpResponseStream* response_ = nullptr;  // the attempt's, while it is read
  asio::steady_timer watchdog_;
  std::uint64_t watch_generation_ = 0;
  Deadline armed_ = Deadline::none;
  Deadline expired_ = Deadline::none;
  asio::steady_timer backoff_;
  bool audio_sent_ = false;
  bool concluded_ = false;
  bool request_reported_ = false;
};

class SpeechStream final : public TtsStream {
 public:
  explicit SpeechStream(std::shared_ptr<SpeechExchange> exchange)
      : exchange_(std::move(exchange)) {}
  ~SpeechStream() override { cancel(); }
  SpeechStream(const SpeechStream&) = delete;
  SpeechStream& operator=(const SpeechStream&) = delete;

  void cancel() override { exchange_->cancel(); }

 private:
  std::shared_ptr<SpeechExchange> exchange_;
};

}  // namespace

std::unique_ptr<TtsStream> start_speech_exchange(asio::any_io_executor loop,
                                                 std::shared_ptr<Executor> relay,
                                                 std::shared_ptr<net::HttpClient> client,
                                                 std::shared_ptr<const OpenAiSpeechConfig> config,
                                                 net::HttpClientRequest request, TtsEvents events) {
  auto exchange =
      std::make_shared<SpeechExchange>(std::move(loop), std::move(relay), std::move(client),
                                       std::move(config), std::move(request), std::move(events));
  exchange->start();
  return std::make_unique<SpeechStream>(std::move(exchange));
}

}  // namespace patter::providers
