#include "providers/llm/chat_exchange.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "core/exception_text.hpp"
#include "core/random_seed.hpp"
#include "net/retry.hpp"
#include "net/sse_parser.hpp"
#include "providers/llm/chat_failure.hpp"
#include "providers/llm/reply_decoder.hpp"

namespace patter::providers {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t kMaxErrorBody = std::size_t{64} * 1024;
// After the end marker ([DONE], message_stop) the rest of the body (normally just the chunked
// terminator) is read so the connection can be reused; a server that keeps the body open longer
// loses the connection.
constexpr milliseconds kDrainLimit{2000};

// One reply in flight. `ended` is the only field touched off the loop: set by cancel() or by
// the terminal event, it silences every later event.
struct Exchange : std::enable_shared_from_this<Exchange> {
  Exchange(asio::any_io_executor on, std::shared_ptr<Executor> via, LlmEvents sink)
      : loop(std::move(on)),
        relay(std::move(via)),
        events(std::move(sink)),
        watchdog(loop),
        backoff(loop) {}

  asio::any_io_executor loop;
  std::shared_ptr<Executor> relay;
  LlmEvents events;
  std::atomic<bool> ended{false};

  // The rest is used on the loop only.
  asio::cancellation_signal stop;  // aborts the attempt in flight
  bool attempt_running = false;
  asio::steady_timer watchdog;  // the first-token deadline, then the drain limit
  std::uint64_t watch_generation = 0;
  bool first_token_expired = false;
  asio::steady_timer backoff;
  net::HttpResponseStream* response = nullptr;  // the attempt's, while it reads
  bool output = false;                          // an event was sent: no retry any more
  bool concluded = false;                       // the terminal event was sent
  bool request_reported = false;                // on_request_written went out

  [[nodiscard]] bool stopped() const { return concluded || ended; }

  template <typename Fn>
  void deliver(Fn fn) {
    output = true;
    if (stopped()) return;
    if (!relay) {
      fn(events);
      return;
    }
    relay->post([self = shared_from_this(), fn = std::move(fn)] {
      if (!self->ended) fn(self->events);
    });
  }

  template <typename Fn>
  void conclude(Fn fn) {
    if (stopped()) return;
    concluded = true;
    if (!relay) {
      if (!ended.exchange(true)) fn(events);
      return;
    }
    relay->post([self = shared_from_this(), fn = std::move(fn)] {
      if (!self->ended.exchange(true)) fn(self->events);
    });
  }

  // Not output: a retry may still follow. Reported for the first attempt only.
  void request_written() {
    if (request_reported || stopped()) return;
    request_reported = true;
    if (!events.on_request_written) return;
    if (!relay) {
      events.on_request_written();
      return;
    }
    relay->post([self = shared_from_this()] {
      if (!self->ended) self->events.on_request_written();
    });
  }
  void text(std::string delta) {
    deliver([delta = std::move(delta)](LlmEvents& sink) {
      if (sink.on_text) sink.on_text(delta);
    });
  }
  void tool_calls(std::vector<ToolCall> calls) {
    for (auto& call : calls) {
      deliver([call = std::move(call)](LlmEvents& sink) {
        if (sink.on_tool_call) sink.on_tool_call(call);
      });
    }
  }
  void usage(const std::optional<LlmUsage>& counted) {
    if (!counted) return;
    deliver([counted = *counted](LlmEvents& sink) {
      if (sink.on_usage) sink.on_usage(counted);
    });
  }
  void done(FinishReason reason) {
    conclude([reason](LlmEvents& sink) {
      if (sink.on_done) sink.on_done(reason);
    });
  }
  void fail(std::string message) {
    conclude([message = std::move(message)](LlmEvents& sink) {
      if (sink.on_error) sink.on_error(message);
    });
  }

  // Fires `expired` after `delay` unless disarm() or another arm() comes first.
  template <typename Fn>
  void arm(milliseconds delay, Fn expired) {
    const auto generation = ++watch_generation;
    watchdog.expires_after(delay);
    watchdog.async_wait(
        [self = shared_from_this(), generation, expired](const boost::system::error_code& error) {
          if (!error && self->watch_generation == generation) expired(*self);
        });
  }
  void disarm() {
    ++watch_generation;
    watchdog.cancel();
  }

  void abort_attempt() {
    if (attempt_running) stop.emit(asio::cancellation_type::terminal);
    if (response != nullptr) response->cancel();
  }
  void abort_all() {
    abort_attempt();
    disarm();
    backoff.cancel();
  }
};

class ChatStream final : public LlmStream {
 public:
  explicit ChatStream(std::shared_ptr<Exchange> exchange) : exchange_(std::move(exchange)) {}
  ~ChatStream() override { cancel(); }
  ChatStream(const ChatStream&) = delete;
  ChatStream& operator=(const ChatStream&) = delete;

  void cancel() override {
    if (exchange_->ended.exchange(true)) return;  // already over: let the connection finish
    asio::post(exchange_->loop, [exchange = exchange_] { exchange->abort_all(); });
  }

 private:
  std::shared_ptr<Exchange> exchange_;
};

// Points the exchange at the attempt's response while it is read.
class ResponseInUse {
 public:
  ResponseInUse(Exchange& exchange, net::HttpResponseStream& response) : exchange_(exchange) {
    exchange_.response = &response;
  }
  ~ResponseInUse() { exchange_.response = nullptr; }
  ResponseInUse(const ResponseInUse&) = delete;
  ResponseInUse& operator=(const ResponseInUse&) = delete;

 private:
  Exchange& exchange_;
};

bool is_event_stream(const std::optional<std::string>& content_type) {
  return !content_type || content_type->find("text/event-stream") != std::string::npos;
}

// The end of a reply: tool calls not yet sent, the usage, then on_done.
void finish_reply(Exchange& exchange, ReplyDecoder& decoder) {
  exchange.tool_calls(decoder.take_tool_calls());
  exchange.usage(decoder.usage());
  exchange.done(decoder.finish_reason());
}

asio::awaitable<void> drain(std::shared_ptr<Exchange> exchange, net::HttpResponseStream& response) {
  exchange->arm(kDrainLimit, [](Exchange& self) {
    if (self.response != nullptr) self.response->cancel();
  });
  try {
    for (;;) {
      auto next = response.next_chunk();
      if (!(co_await std::move(next))) break;
    }
  } catch (const std::exception& error) {
    spdlog::debug("llm: the rest of a finished stream was lost: {}", error.what());
  }
  exchange->disarm();
}

// One request and its response. Returns the failure, or nothing once the reply was delivered
// (or the exchange was cancelled). Transport failures are thrown as net::ClientError.
asio::awaitable<std::optional<ChatFailure>> run_attempt(std::shared_ptr<Exchange> exchange,
                                                        std::shared_ptr<net::HttpClient> client,
                                                        std::shared_ptr<const ChatConfig> config,
                                                        net::HttpClientRequest request,
                                                        ReplyDecoderFactory make_decoder) {
  Exchange& self = *exchange;
  self.first_token_expired = false;
  self.arm(config->first_token_timeout, [](Exchange& expired) {
    expired.first_token_expired = true;
    expired.abort_attempt();
  });
  auto pending = client->stream(std::move(request));
  self.request_written();
  auto response = co_await std::move(pending);
  const ResponseInUse in_use(self, response);
  if (response.status() < 200 || response.status() >= 300) {
    std::string body;
    try {
      auto rest = response.read_all(kMaxErrorBody);
      body = co_await std::move(rest);
    } catch (const std::exception& error) {
      spdlog::debug("llm: could not read an error response: {}", error.what());
    }
    self.disarm();
    co_return failure_from_status(*config, response.status(), response.headers(), body,
                                  std::chrono::system_clock::now());
  }
  if (const auto type = response.header("Content-Type"); !is_event_stream(type)) {
    self.disarm();
    co_return malformed_stream(*config, "expected a text/event-stream response, got " + *type);
  }

  net::SseParser parser;
  const auto decoding = make_decoder();
  ReplyDecoder& decoder = *decoding;
  bool finished = false;
  bool awaiting_first_token = true;
  while (!finished) {
    auto next = response.next_chunk();
    auto bytes = co_await std::move(next);
    if (!bytes || self.stopped()) break;
    std::vector<net::SseEvent> events;
    try {
      events = parser.feed(*bytes);
    } catch (const net::SseError& error) {
      co_return malformed_stream(*config, std::string("malformed event stream: ") + error.what());
    }
    for (const auto& event : events) {
      if (self.stopped()) co_return std::nullopt;
      try {
        const auto chunk = decoder.feed(event);
        if (chunk.progress && awaiting_first_token) {
          awaiting_first_token = false;
          self.disarm();
        }
        if (!chunk.text.empty()) self.text(chunk.text);
        if (chunk.finished) self.tool_calls(decoder.take_tool_calls());
        if (chunk.done) {
          finish_reply(self, decoder);
          finished = true;
          break;
        }
      } catch (const ChatStreamServerError& error) {
        self.usage(decoder.usage());
        co_return stream_error(*config, error.what());
      } catch (const ChatStreamFormatError& error) {
        co_return malformed_stream(*config, error.what());
      }
    }
  }
  self.disarm();
  if (self.stopped() && !finished) co_return std::nullopt;
  if (self.first_token_expired) co_return first_token_timeout(*config);
  if (!finished) {
    // The body ended without an end marker (Gemini has none; a few OpenAI-compatible servers
    // leave out [DONE]): complete when the model had finished, else cut short.
    if (!decoder.finished()) co_return stream_ended_early(*config);
    try {
      finish_reply(self, decoder);
    } catch (const ChatStreamFormatError& error) {
      co_return malformed_stream(*config, error.what());
    }
    co_return std::nullopt;
  }
  co_await drain(exchange, response);
  co_return std::nullopt;
}

asio::awaitable<void> run_exchange(std::shared_ptr<Exchange> exchange,
                                   std::shared_ptr<net::HttpClient> client,
                                   std::shared_ptr<const ChatConfig> config,
                                   net::HttpClientRequest request,
                                   ReplyDecoderFactory make_decoder) {
  std::minstd_rand random(static_cast<std::minstd_rand::result_type>(core::random_seed()));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  net::RetryPolicy policy;
  policy.max_delay = config->max_retry_wait;
  std::optional<ChatFailure> failure;
  for (int attempt = 1;; ++attempt) {
    failure.reset();
    try {
      auto work = run_attempt(exchange, client, config, request, make_decoder);
      auto bound =
          asio::co_spawn(exchange->loop, std::move(work),
                         asio::bind_cancellation_slot(exchange->stop.slot(), asio::use_awaitable));
      exchange->attempt_running = true;
      failure = co_await std::move(bound);
    } catch (const net::ClientError& error) {
      failure = failure_from_client_error(*config, error);
    } catch (const std::exception& error) {
      failure = unexpected_failure(*config, error.what());
    }
    exchange->attempt_running = false;
    exchange->disarm();
    if (exchange->stopped()) co_return;
    if (exchange->first_token_expired) failure = first_token_timeout(*config);
    if (!failure) co_return;
    if (!failure->retryable || exchange->output || attempt >= config->max_attempts) break;
    if (failure->retry_after && *failure->retry_after > config->max_retry_wait) break;
    const auto delay = net::retry_delay(policy, attempt, unit(random), failure->retry_after);
    spdlog::debug("llm: {}; trying again in {} ms", failure->message, delay.count());
    exchange->backoff.expires_after(delay);
    boost::system::error_code ignored;
    co_await exchange->backoff.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (exchange->stopped()) co_return;
  }
  exchange->fail(failure->message);
}

}  // namespace

std::unique_ptr<LlmStream> start_chat_exchange(asio::any_io_executor loop,
                                               std::shared_ptr<Executor> relay,
                                               std::shared_ptr<net::HttpClient> client,
                                               std::shared_ptr<const ChatConfig> config,
                                               net::HttpClientRequest request,
                                               ReplyDecoderFactory make_decoder, LlmEvents events) {
  auto exchange = std::make_shared<Exchange>(loop, std::move(relay), std::move(events));
  auto work = run_exchange(exchange, std::move(client), config, std::move(request), make_decoder);
  asio::co_spawn(loop, std::move(work),
                 [provider = config->provider](const std::exception_ptr& error) {
                   // Only an event handler that throws from on_error or on_done gets here.
                   if (error)
                     spdlog::error("{}: an LLM event handler threw: {}", provider,
                                   core::exception_text(error));
                 });
  return std::make_unique<ChatStream>(std::move(exchange));
}

}  // namespace patter::providers
