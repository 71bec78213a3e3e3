#include "providers/tts/cartesia_tts_channel.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "core/random_seed.hpp"
#include "net/retry.hpp"
#include "providers/tts/cartesia_tts_failure.hpp"
#include "providers/tts/cartesia_tts_messages.hpp"

namespace patter::providers {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

namespace {

// How often an open socket checks whether its call, its provider or its use is over.
constexpr milliseconds kSweepInterval{std::chrono::seconds(5)};

class Channel;

// One sentence: its events, delivered on the call's executor, and its attempts. `ended_` is
// the only member touched off the loop: set by cancel() or the last event, it silences every
// later event.
class Sentence : public std::enable_shared_from_this<Sentence> {
 public:
  Sentence(const asio::any_io_executor& loop, std::shared_ptr<Executor> relay, std::string text,
           TtsEvents events)
      : watchdog_(loop),
        backoff_(loop),
        text_(std::move(text)),
        relay_(std::move(relay)),
        events_(std::move(events)) {}

  // Any thread: true when this call is what ended the sentence.
  bool cancel() { return !ended_.exchange(true); }
  [[nodiscard]] bool ended() const { return ended_ || concluded_; }
  [[nodiscard]] const std::string& text() const { return text_; }

  // ---- on the loop ----
  void audio(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;
    audio_sent_ = true;
    if (ended()) return;
    if (!relay_) {
      guarded([&] {
        if (events_.on_audio) events_.on_audio(bytes);
      });
      return;
    }
    relay_->post(
        [self = shared_from_this(), copy = std::vector<std::uint8_t>(bytes.begin(), bytes.end())] {
          if (!self->ended_ && self->events_.on_audio) self->events_.on_audio(copy);
        });
  }

  void done() {
    conclude([this] {
      if (events_.on_done) events_.on_done();
    });
  }

  void fail(std::string message) {
    conclude([this, message = std::move(message)] {
      if (events_.on_error) events_.on_error(message);
    });
  }

  // The first attempt's request went to the socket.
  void written() {
    if (std::exchange(reported_written_, true)) return;
    deliver([this] {
      if (!ended_ && events_.on_request_written) events_.on_request_written();
    });
  }

  [[nodiscard]] bool audio_sent() const { return audio_sent_; }

  std::weak_ptr<Channel> channel;
  std::string context_id;        // the context carrying the current attempt
  std::size_t flush_number = 0;  // the context's flush_done that ends the sentence
  int attempts = 0;
  bool fresh_context = false;  // a retry: never continue the turn's context
  std::uint64_t watch_generation = 0;
  asio::steady_timer watchdog_;
  asio::steady_timer backoff_;

 private:
  template <typename Fn>
  void conclude(Fn last_event) {
    if (std::exchange(concluded_, true)) return;
    watchdog_.cancel();
    backoff_.cancel();
    deliver([this, last_event = std::move(last_event)] {
      if (!ended_.exchange(true)) last_event();
    });
  }

  template <typename Fn>
  void deliver(Fn event) {
    if (!relay_) {
      guarded(event);
      return;
    }
    relay_->post([self = shared_from_this(), event = std::move(event)] { event(); });
  }

  // A handler that throws must not take the socket's reader down with it.
  template <typename Fn>
  static void guarded(Fn&& event) {
    try {
      event();
    } catch (const std::exception& error) {
      spdlog::error("{}: a text-to-speech event handler threw: {}", kCartesiaTtsName, error.what());
    }
  }

  std::string text_;
  std::shared_ptr<Executor> relay_;
  TtsEvents events_;
  std::atomic<bool> ended_{false};
  bool concluded_ = false;
  bool audio_sent_ = false;
  bool reported_written_ = false;
};

// The call's socket and the contexts on it. Used on its loop only.
class Channel : public std::enable_shared_from_this<Channel> {
 public:
  Channel(const asio::any_io_executor& loop, CartesiaChannelSetup setup)
      : loop_(loop),
        setup_(std::move(setup)),
        config_(*setup_.config),
        turn_timer_(loop),
        sweep_timer_(loop),
        random_(static_cast<std::minstd_rand::result_type>(core::random_seed())) {}

  [[nodiscard]] bool retired() const { return retired_; }
  [[nodiscard]] bool serves(const void* owner, const std::string& call_id) const {
    return owner_key_ == owner && setup_.call_id == call_id;
  }
  void set_owner_key(const void* owner) { owner_key_ = owner; }

  void warm() {
    last_used_ = SteadyClock::now();
    ensure_connected();
  }

  void speak(const std::shared_ptr<Sentence>& sentence) {
    sentence->channel = weak_from_this();
    ++sentence->attempts;
    last_used_ = SteadyClock::now();
    if (socket_) {
      start(sentence);
      return;
    }
    waiting_.push_back(sentence);
    ensure_connected();
  }

  void cancel(const std::shared_ptr<Sentence>& sentence) {
    disarm(*sentence);
    sentence->backoff_.cancel();
    last_used_ = SteadyClock::now();
    std::erase(waiting_, sentence);
    const auto found = contexts_.find(sentence->context_id);
    if (found == contexts_.end() || found->second.sentence != sentence) return;
    contexts_.erase(found);
    if (socket_) socket_->send_text(cartesia_cancel_request(sentence->context_id));
  }

  // The loop is going away: everything stops without another event. The socket is released,
  // not closed: nothing may be started on a loop that is shutting down.
  void retire() {
    retired_ = true;
    turn_timer_.cancel();
    sweep_timer_.cancel();
    for (auto& [id, context] : contexts_) {
      if (context.sentence) context.sentence->watchdog_.cancel();
    }
    contexts_.clear();
    waiting_.clear();
    ++generation_;
    socket_.reset();
  }

  // Its provider or call is gone and it holds nothing open.
  [[nodiscard]] bool abandoned() const {
    return !socket_ && !connecting_ && waiting_.empty() &&
           (setup_.owner.expired() || setup_.call.expired());
  }

 private:
  struct Context {
    std::shared_ptr<Sentence> sentence;  // speaking now; null while the turn's context waits
    std::size_t flushes_sent = 0;
    std::size_t flushes_done = 0;
  };
  enum class Deadline : std::uint8_t { first_audio, next_audio };

  void ensure_connected() {
    if (socket_ || connecting_ || retired_) return;
    connecting_ = true;
    asio::co_spawn(loop_, connect(shared_from_this()), asio::detached);
  }

  static asio::awaitable<void> connect(std::shared_ptr<Channel> self) {
    std::shared_ptr<net::WebSocket> socket;
    std::optional<TtsFailure> failure;
    std::optional<int> refused;
    try {
      auto request = self->setup_.connect;
      socket = co_await self->setup_.client->connect(std::move(request));
    } catch (const net::WsHandshakeError& error) {
      refused = error.status();
      failure = cartesia_tts_refused(self->config_, error.status(), error.headers(), error.body(),
                                     std::chrono::system_clock::now());
    } catch (const net::ClientError& error) {
      failure = cartesia_tts_cannot_connect(error);
    } catch (const std::exception& error) {
      failure = cartesia_tts_cannot_connect(
          net::ClientError(net::ClientErrorKind::connect_failed, error.what()));
    }
    self->connecting_ = false;
    if (self->retired_) {
      if (socket) socket->close(1000);
      co_return;
    }
    if (failure) {
      auto waiting = std::exchange(self->waiting_, {});
      if (waiting.empty()) {
        if (refused) {
          spdlog::info("{}: warmup refused (HTTP {})", kCartesiaTtsName, *refused);
        } else {
          spdlog::info("{}: warmup failed", kCartesiaTtsName);
        }
      }
      for (const auto& sentence : waiting) self->retry_or_fail(sentence, *failure);
      co_return;
    }
    self->socket_ = std::move(socket);
    const auto generation = ++self->generation_;
    asio::co_spawn(self->loop_, read(self, self->socket_, generation), asio::detached);
    self->arm_sweep();
    for (const auto& sentence : std::exchange(self->waiting_, {})) self->start(sentence);
  }

  void start(const std::shared_ptr<Sentence>& sentence) {
    if (sentence->ended()) return;
    std::string id;
    if (config_.continue_turns && !sentence->fresh_context && !turn_context_.empty()) {
      id = std::exchange(turn_context_, {});
      turn_timer_.cancel();
    } else {
      id = setup_.call_id + "-" + std::to_string(++contexts_opened_);
    }
    auto& context = contexts_[id];
    context.sentence = sentence;
    sentence->context_id = id;
    sentence->flush_number = ++context.flushes_sent;
    setup_.characters->fetch_add(sentence->text().size());
    const auto& text = sentence->text();
    if (config_.continue_turns) {
      // Inputs of a context are joined verbatim: a sentence ends with a space.
      const bool spaced = !text.empty() && (text.back() == ' ' || text.back() == '\n');
      send({id, spaced ? text : text + " ", true, false});
      send({id, "", true, true});
    } else {
      send({id, text, false, false});
    }
    sentence->written();
    expect(sentence, Deadline::first_audio);
  }

  void send(const CartesiaInput& input) {
    socket_->send_text(cartesia_generation_request(config_, setup_.language, input));
  }

  static asio::awaitable<void> read(std::shared_ptr<Channel> self,
                                    std::shared_ptr<net::WebSocket> socket,
                                    std::uint64_t generation) {
    while (auto message = co_await socket->receive()) {
      if (generation != self->generation_ || self->retired_) continue;
      if (message->binary) {
        self->fail_all(cartesia_tts_malformed("a binary message"));
        continue;
      }
      std::optional<CartesiaTtsMessage> parsed;
      try {
        parsed = parse_cartesia_tts_message(message->data);
      } catch (const CartesiaTtsFormatError& error) {
        self->fail_all(cartesia_tts_malformed(error.what()));
        continue;
      }
      self->handle(*parsed);
    }
    if (generation != self->generation_ || self->retired_) co_return;
    const auto& closed = socket->close_info();
    self->socket_.reset();
    self->sweep_timer_.cancel();
    self->fail_all(cartesia_tts_connection_lost(closed.code, closed.reason));
  }

  void handle(const CartesiaTtsMessage& message) {
    using Kind = CartesiaTtsMessage::Kind;
    if (message.context_id.empty()) {
      if (message.kind == Kind::error) {
        fail_all(cartesia_tts_context_error(config_, message.status, message.error));
      }
      return;
    }
    const auto found = contexts_.find(message.context_id);
    if (found == contexts_.end()) return;  // cancelled, or closed by us
    auto& context = found->second;
    const auto sentence = context.sentence;
    switch (message.kind) {
      case Kind::chunk:
        if (!sentence) return;
        sentence->audio(message.audio);
        expect(sentence, Deadline::next_audio);
        return;
      case Kind::flush_done:
        ++context.flushes_done;
        if (sentence && context.flushes_done >= sentence->flush_number) {
          context.sentence.reset();
          finished(*sentence);
          keep_for_the_turn(message.context_id);
        }
        return;
      case Kind::done:
        contexts_.erase(found);
        forget_turn(message.context_id);
        if (sentence) finished(*sentence);
        return;
      case Kind::error:
        contexts_.erase(found);
        forget_turn(message.context_id);
        if (sentence) {
          retry_or_fail(sentence,
                        cartesia_tts_context_error(config_, message.status, message.error));
        }
        return;
      case Kind::other:
        return;
    }
  }

  void finished(Sentence& sentence) {
    disarm(sentence);
    last_used_ = SteadyClock::now();
    sentence.done();
  }

  // The context waits for the turn's next sentence, and ends if none comes within turn_gap.
  void keep_for_the_turn(const std::string& id) {
    if (!config_.continue_turns) return;
    if (!turn_context_.empty() && turn_context_ != id) end_context(turn_context_);
    turn_context_ = id;
    turn_timer_.expires_after(config_.turn_gap);
    turn_timer_.async_wait([weak = weak_from_this(), id](const boost::system::error_code& error) {
      const auto self = weak.lock();
      if (error || !self || self->turn_context_ != id) return;
      self->end_context(std::exchange(self->turn_context_, {}));
    });
  }

  void end_context(const std::string& id) {
    contexts_.erase(id);
    if (socket_) send({id, "", false, false});
  }

  void forget_turn(const std::string& id) {
    if (turn_context_ != id) return;
    turn_context_.clear();
    turn_timer_.cancel();
  }

  // Every sentence in flight gets `failure`; their contexts are dropped.
  void fail_all(const TtsFailure& failure) {
    auto contexts = std::exchange(contexts_, {});
    turn_context_.clear();
    turn_timer_.cancel();
    for (auto& [id, context] : contexts) {
      if (!context.sentence) continue;
      if (socket_) socket_->send_text(cartesia_cancel_request(id));
      retry_or_fail(context.sentence, failure);
    }
  }

  void retry_or_fail(const std::shared_ptr<Sentence>& sentence, const TtsFailure& failure) {
    disarm(*sentence);
    if (sentence->ended()) return;
    const bool may_wait = !failure.retry_after || *failure.retry_after <= config_.max_retry_wait;
    if (!failure.retryable || sentence->audio_sent() ||
        sentence->attempts >= config_.max_attempts || !may_wait) {
      sentence->fail(failure.message);
      return;
    }
    net::RetryPolicy policy;
    policy.max_delay = config_.max_retry_wait;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const auto delay =
        net::retry_delay(policy, sentence->attempts, unit(random_), failure.retry_after);
    spdlog::debug("{}; trying again in {} ms", failure.message, delay.count());
    sentence->fresh_context = true;
    sentence->backoff_.expires_after(delay);
    sentence->backoff_.async_wait(
        [weak = weak_from_this(), sentence](const boost::system::error_code& error) {
          const auto self = weak.lock();
          if (error || !self || self->retired_ || sentence->ended()) return;
          self->speak(sentence);
        });
  }

  // Fails the attempt when no audio comes in time: its context is cancelled on the server.
  void expect(const std::shared_ptr<Sentence>& sentence, Deadline deadline) {
    const auto generation = ++sentence->watch_generation;
    sentence->watchdog_.expires_after(deadline == Deadline::first_audio ? config_.first_byte_timeout
                                                                        : config_.idle_timeout);
    sentence->watchdog_.async_wait([weak = weak_from_this(),
                                    weak_sentence = std::weak_ptr(sentence), generation,
                                    deadline](const boost::system::error_code& error) {
      const auto self = weak.lock();
      const auto late = weak_sentence.lock();
      if (error || !self || !late || late->watch_generation != generation) return;
      const auto found = self->contexts_.find(late->context_id);
      if (found != self->contexts_.end() && found->second.sentence == late) {
        self->contexts_.erase(found);
        if (self->socket_) self->socket_->send_text(cartesia_cancel_request(late->context_id));
      }
      self->retry_or_fail(late, deadline == Deadline::first_audio
                                    ? cartesia_tts_first_byte_timeout(self->config_)
                                    : cartesia_tts_idle_timeout(self->config_));
    });
  }

  static void disarm(Sentence& sentence) {
    ++sentence.watch_generation;
    sentence.watchdog_.cancel();
  }

  // An open socket closes once its provider or its call is gone, or after socket_idle_timeout
  // without a sentence.
  void arm_sweep() {
    sweep_timer_.expires_after(std::min(kSweepInterval, config_.socket_idle_timeout));
    sweep_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
      const auto self = weak.lock();
      if (error || !self || !self->socket_) return;
      self->sweep();
    });
  }

  void sweep() {
    const bool busy =
        !waiting_.empty() || std::any_of(contexts_.begin(), contexts_.end(), [](const auto& entry) {
          return entry.second.sentence != nullptr;
        });
    const bool gone = setup_.owner.expired() || setup_.call.expired();
    if (busy || (!gone && SteadyClock::now() - last_used_ < config_.socket_idle_timeout)) {
      arm_sweep();
      return;
    }
    contexts_.clear();
    turn_context_.clear();
    turn_timer_.cancel();
    drop_socket();
    retired_ = gone;
  }

  void drop_socket() {
    if (!socket_) return;
    ++generation_;
    socket_->close(1000);
    socket_.reset();
  }

  asio::any_io_executor loop_;
  CartesiaChannelSetup setup_;
  const CartesiaTtsConfig& config_;
  const void* owner_key_ = nullptr;
  std::shared_ptr<net::WebSocket> socket_;
  bool connecting_ = false;
  bool retired_ = false;
  std::uint64_t generation_ = 0;  // counts sockets; a stale reader stops handling messages
  std::deque<std::shared_ptr<Sentence>> waiting_;  // for the socket to open
  std::map<std::string, Context> contexts_;
  std::string turn_context_;  // the context the turn's next sentence continues
  std::uint64_t contexts_opened_ = 0;
  asio::steady_timer turn_timer_;
  asio::steady_timer sweep_timer_;
  SteadyClock::time_point last_used_ = SteadyClock::now();
  std::minstd_rand random_;
};

// The channels of one loop, by provider and call. Kept by a service of the loop's
// io_context, so they close with the loop, never after it.
class CartesiaChannels final : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;

  explicit CartesiaChannels(asio::execution_context& context) : service(context) {}

  std::shared_ptr<Channel> channel(const asio::any_io_executor& loop, CartesiaChannelSetup setup) {
    std::erase_if(channels_,
                  [](const auto& channel) { return channel->retired() || channel->abandoned(); });
    const auto owner = setup.owner.lock();
    for (const auto& channel : channels_) {
      if (channel->serves(owner.get(), setup.call_id)) return channel;
    }
    auto channel = std::make_shared<Channel>(loop, std::move(setup));
    channel->set_owner_key(owner.get());
    channels_.push_back(channel);
    return channel;
  }

 private:
  void shutdown() override {
    for (const auto& channel : channels_) channel->retire();
    channels_.clear();
  }

  std::vector<std::shared_ptr<Channel>> channels_;
};

asio::execution_context::id CartesiaChannels::id;

std::shared_ptr<Channel> channel_on(const asio::any_io_executor& loop, CartesiaChannelSetup setup) {
  auto& context = asio::query(loop, asio::execution::context);
  return asio::use_service<CartesiaChannels>(context).channel(loop, std::move(setup));
}

class SentenceStream final : public TtsStream {
 public:
  SentenceStream(asio::any_io_executor loop, std::shared_ptr<Sentence> sentence)
      : loop_(std::move(loop)), sentence_(std::move(sentence)) {}
  ~SentenceStream() override { cancel(); }
  SentenceStream(const SentenceStream&) = delete;
  SentenceStream& operator=(const SentenceStream&) = delete;

  void cancel() override {
    if (!sentence_->cancel()) return;  // already over
    asio::post(loop_, [sentence = sentence_] {
      if (const auto channel = sentence->channel.lock()) channel->cancel(sentence);
    });
  }

 private:
  asio::any_io_executor loop_;
  std::shared_ptr<Sentence> sentence_;
};

}  // namespace

std::unique_ptr<TtsStream> start_cartesia_sentence(const asio::any_io_executor& loop,
                                                   std::shared_ptr<Executor> relay,
                                                   CartesiaChannelSetup setup, std::string text,
                                                   TtsEvents events) {
  auto sentence =
      std::make_shared<Sentence>(loop, std::move(relay), std::move(text), std::move(events));
  asio::post(loop, [loop, setup = std::move(setup), sentence]() mutable {
    if (sentence->ended()) return;
    channel_on(loop, std::move(setup))->speak(sentence);
  });
  return std::make_unique<SentenceStream>(loop, std::move(sentence));
}

void warm_cartesia_channel(const asio::any_io_executor& loop, CartesiaChannelSetup setup) {
  asio::post(loop, [loop, setup = std::move(setup)]() mutable {
    channel_on(loop, std::move(setup))->warm();
  });
}

}  // namespace patter::providers
