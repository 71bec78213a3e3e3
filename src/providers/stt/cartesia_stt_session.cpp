#include "providers/stt/cartesia_stt_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <cmath>
#include <deque>
#include <optional>
#include <utility>
#include <variant>

#include "providers/stt/audio_replay_buffer.hpp"
#include "providers/stt/cartesia_stt_failure.hpp"
#include "providers/stt/cartesia_stt_messages.hpp"
#include "providers/stt/parked_sockets.hpp"
#include "providers/stt/stt_delivery.hpp"

namespace patter::providers {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view kFinalize = "finalize";
constexpr std::string_view kDone = "done";
constexpr milliseconds kReplayChunk{200};

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// One stream. Everything but `delivery` is used on the loop only.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(CartesiaSttSessionSetup setup, SttEvents events)
      : setup_(std::move(setup)),
        config_(*setup_.config),
        delivery_(std::make_shared<SttDelivery>(std::move(events))),
        ring_(config_.input_format.bytes_in(config_.replay_window)),
        bytes_per_second_(static_cast<double>(config_.input_format.sample_rate) *
                          static_cast<double>(config_.input_format.bytes_per_sample())) {}

  [[nodiscard]] const asio::any_io_executor& loop() const { return setup_.loop; }
  [[nodiscard]] const std::shared_ptr<SttDelivery>& delivery() const { return delivery_; }

  void start() { connect(); }

  void on_audio(const std::string& bytes) {
    if (closing_ || failed_ || bytes.empty()) return;
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    const auto dropped = ring_.append({data, bytes.size()});
    if (dropped > 0 && !socket_ && !warned_overflow_) {
      warned_overflow_ = true;
      spdlog::warn("cartesia_stt: call {}: still not connected; audio older than {} ms is lost",
                   setup_.call_id, config_.replay_window.count());
    }
    if (socket_) {
      send_audio(bytes);
      sent_until_ = ring_.end_offset();
    } else if (std::exchange(idle_, false)) {
      connect();
    }
  }

  void on_finalize() {
    if (closing_ || failed_) return;
    if (!socket_) {
      finalize_pending_ = true;
      if (std::exchange(idle_, false)) connect();
      return;
    }
    send_finalize(ring_.end_offset());
  }

  void shut_down() {
    if (closing_) return;
    closing_ = true;
    retry_.cancel();
    if (socket_) close_cartesia_stt_socket(*socket_);
    socket_.reset();
  }

 private:
  void connect() { asio::co_spawn(setup_.loop, attempt(shared_from_this()), asio::detached); }

  static asio::awaitable<void> attempt(std::shared_ptr<Session> self) {
    std::shared_ptr<net::WebSocket> socket;
    if (self->setup_.parked && !std::exchange(self->tried_parked_, true)) {
      socket = self->setup_.parked->take(self->setup_.parked_key, self->setup_.loop);
    }
    std::optional<SttFailure> failure;
    if (!socket) {
      try {
        net::WsConnectRequest request = self->setup_.request;
        socket = co_await self->setup_.client->connect(std::move(request));
      } catch (const net::WsHandshakeError& error) {
        failure = cartesia_handshake_failure(error.status(), error.body());
      } catch (const net::ClientError& error) {
        failure = cartesia_connect_failure(error);
      } catch (const std::exception& error) {
        failure = cartesia_unexpected_failure(error.what());
      }
    }
    if (self->closing_ || self->failed_) {
      if (socket) close_cartesia_stt_socket(*socket);
      co_return;
    }
    if (failure) {
      self->retry_or_fail(*failure);
      co_return;
    }
    self->connected(std::move(socket));
  }

  void connected(std::shared_ptr<net::WebSocket> socket) {
    socket_ = std::move(socket);
    const auto generation = ++generation_;
    base_ = ring_.begin_offset();
    if (base_ > acked_) {
      spdlog::warn(
          "cartesia_stt: call {}: {} ms of audio fell out of the replay window", setup_.call_id,
          static_cast<long long>(static_cast<double>(base_ - acked_) * 1000.0 / bytes_per_second_));
    }
    last_audio_ = setup_.clock->now();
    const auto chunk = std::max<std::size_t>(config_.input_format.bytes_in(kReplayChunk), 1);
    for (auto offset = base_; offset < ring_.end_offset(); offset += chunk) {
      send_audio(ring_.slice(offset, chunk));
    }
    if (sent_until_ > base_) {
      delivery_->audio_replayed(static_cast<double>(sent_until_ - base_) / bytes_per_second_);
    }
    sent_until_ = ring_.end_offset();
    // A finalize the old socket never answered, or one asked for while connecting, is asked
    // again once, after the replay.
    if (!finalize_marks_.empty() || std::exchange(finalize_pending_, false)) {
      finalize_marks_.clear();
      send_finalize(ring_.end_offset());
    }
    asio::co_spawn(setup_.loop, read(shared_from_this(), socket_, generation), asio::detached);
  }

  void send_audio(std::string bytes) {
    setup_.sent_bytes->fetch_add(bytes.size());
    last_audio_ = setup_.clock->now();
    socket_->send_binary(std::move(bytes));
  }

  void send_finalize(std::uint64_t covered_until) {
    finalize_marks_.push_back(covered_until);
    awaiting_answer_ = true;
    socket_->send_text(std::string(kFinalize));
  }

  static asio::awaitable<void> read(std::shared_ptr<Session> self,
                                    std::shared_ptr<net::WebSocket> socket,
                                    std::uint64_t generation) {
    while (auto message = co_await socket->receive()) {
      if (generation != self->generation_ || self->closing_ || self->failed_) continue;
      if (message->binary) {
        self->handle(CartesiaSttMalformed{"a binary message"});
        continue;
      }
      std::visit([&self](const auto& decoded) { self->handle(decoded); },
                 parse_cartesia_stt_message(message->data));
    }
    if (generation != self->generation_ || self->closing_ || self->failed_) co_return;
    self->socket_.reset();
    const auto& info = socket->close_info();
    const auto quiet = self->setup_.clock->now() - self->last_audio_;
    if (info.code != 1008 && quiet >= self->config_.idle_close_after) {
      spdlog::debug(
          "cartesia_stt: call {}: the server closed the idle stream ({}); reconnecting "
          "when audio comes",
          self->setup_.call_id, info.code);
      self->idle_ = true;
      co_return;
    }
    self->retry_or_fail(cartesia_close_failure(info.code, info.reason));
  }

  void retry_or_fail(const SttFailure& failure) {
    if (!failure.retryable) {
      fail(failure.message);
      return;
    }
    if (failures_ >= config_.reconnect_attempts) {
      fail(failure.message +
           (failures_ > 0 ? " (after " + std::to_string(failures_) + " reconnect attempts)" : ""));
      return;
    }
    const auto delay = failures_ == 0
                           ? milliseconds::zero()
                           : config_.reconnect_backoff * (1 << std::min(failures_ - 1, 10));
    ++failures_;
    spdlog::warn(
        "call {}: {}; reconnecting in {} ms, replaying {} ms of audio", setup_.call_id,
        failure.message, delay.count(),
        static_cast<long long>(static_cast<double>(ring_.size()) * 1000.0 / bytes_per_second_));
    if (delay == milliseconds::zero()) {
      connect();
      return;
    }
    const std::weak_ptr<Session> weak = weak_from_this();
    retry_ = setup_.clock->schedule_after(delay, [weak] {
      if (const auto self = weak.lock(); self && !self->closing_ && !self->failed_) {
        self->connect();
      }
    });
  }

  void fail(const std::string& message) {
    if (failed_) return;
    failed_ = true;
    retry_.cancel();
    if (socket_) close_cartesia_stt_socket(*socket_);
    socket_.reset();
    delivery_->error(message);
  }

  // Seconds of this socket's stream as milliseconds of the whole call's audio.
  [[nodiscard]] double call_ms(double stream_seconds) const {
    return (static_cast<double>(base_) / bytes_per_second_ + stream_seconds) * 1000.0;
  }

  void handle(const CartesiaTranscript& message) {
    Transcript transcript;
    transcript.text = trimmed(message.text);
    transcript.is_final = message.is_final;
    if (message.first_word_start) transcript.start_ms = call_ms(*message.first_word_start);
    if (message.last_word_end) transcript.end_ms = call_ms(*message.last_word_end);
    const bool has_text = !transcript.text.empty();
    if (!message.is_final) {
      if (has_text) delivery_->transcript(transcript);
      return;
    }
    if (message.last_word_end) acknowledge(base_ + stream_bytes(*message.last_word_end));
    failures_ = 0;
    const bool repeated =
        has_text && transcript.end_ms && *transcript.end_ms <= delivered_until_ms_;
    if (!has_text || repeated) return;
    if (transcript.end_ms) delivered_until_ms_ = std::max(delivered_until_ms_, *transcript.end_ms);
    awaiting_answer_ = false;
    delivery_->transcript(transcript);
  }

  // Everything sent before the finalize it answers has been transcribed.
  void handle(const CartesiaFlushDone& /*flushed*/) {
    failures_ = 0;
    if (!finalize_marks_.empty()) {
      acknowledge(finalize_marks_.front());
      finalize_marks_.pop_front();
    }
    if (std::exchange(awaiting_answer_, false)) {
      // finalize() always gets a final, empty when there was nothing left to say.
      Transcript answer;
      answer.is_final = true;
      delivery_->transcript(answer);
    }
  }

  void handle(const CartesiaDone& /*done*/) {
    spdlog::debug("cartesia_stt: call {}: the server ended the stream", setup_.call_id);
  }

  void handle(const CartesiaSttError& error) {
    const auto failure = cartesia_server_error(error.message, error.status);
    if (!failure.retryable) {
      fail(failure.message);
      return;
    }
    // The socket is given up: its reader delivers nothing more.
    ++generation_;
    close_cartesia_stt_socket(*socket_);
    socket_.reset();
    retry_or_fail(failure);
  }

  void handle(const CartesiaSttMalformed& malformed) {
    fail(cartesia_malformed_message(malformed.detail).message);
  }

  void handle(const CartesiaSttOther& other) {
    spdlog::debug("cartesia_stt: call {}: ignoring a {} message", setup_.call_id, other.type);
  }

  [[nodiscard]] std::uint64_t stream_bytes(double stream_seconds) const {
    const auto sample_bytes = config_.input_format.bytes_per_sample();
    auto bytes =
        static_cast<std::uint64_t>(std::llround(std::max(0.0, stream_seconds) * bytes_per_second_));
    return bytes - bytes % sample_bytes;
  }

  // Audio before `offset` of the call is covered: it is never replayed.
  void acknowledge(std::uint64_t offset) {
    acked_ = std::max(acked_, std::min(offset, ring_.end_offset()));
    ring_.acknowledge(acked_);
  }

  CartesiaSttSessionSetup setup_;
  const CartesiaSttConfig& config_;
  std::shared_ptr<SttDelivery> delivery_;
  AudioReplayBuffer ring_;
  double bytes_per_second_;

  std::shared_ptr<net::WebSocket> socket_;  // null while connecting or idle
  std::uint64_t generation_ = 0;            // counts sockets; a stale reader stops delivering
  std::uint64_t base_ = 0;                  // the call-audio offset of the socket's first byte
  std::uint64_t acked_ = 0;                 // audio before this offset is covered
  std::uint64_t sent_until_ = 0;            // audio before this offset went to some socket
  int failures_ = 0;  // connection failures since the last final or flush_done
  bool tried_parked_ = false;
  bool idle_ = false;  // the server closed the quiet socket; audio or finalize reconnects
  bool finalize_pending_ = false;
  bool closing_ = false;
  bool failed_ = false;
  bool warned_overflow_ = false;
  core::TimePoint last_audio_{};
  core::Timer retry_;

  // Call-audio offsets at each finalize sent on the socket and not yet answered.
  std::deque<std::uint64_t> finalize_marks_;
  bool awaiting_answer_ = false;      // a finalize is out and no final has come since
  double delivered_until_ms_ = -1.0;  // end of the last word delivered in a final
};

class CartesiaSttStream final : public SttStream {
 public:
  explicit CartesiaSttStream(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  ~CartesiaSttStream() override { close(); }
  CartesiaSttStream(const CartesiaSttStream&) = delete;
  CartesiaSttStream& operator=(const CartesiaSttStream&) = delete;

  void push_audio(std::span<const std::uint8_t> bytes) override {
    if (!session_ || bytes.empty() || session_->delivery()->stopped()) return;
    std::string copy(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    asio::dispatch(session_->loop(),
                   [session = session_, copy = std::move(copy)] { session->on_audio(copy); });
  }

  void finalize() override {
    if (!session_ || session_->delivery()->stopped()) return;
    asio::dispatch(session_->loop(), [session = session_] { session->on_finalize(); });
  }

  void close() override {
    if (!session_) return;
    session_->delivery()->stop();
    auto session = std::move(session_);
    const auto loop = session->loop();
    asio::dispatch(loop, [session = std::move(session)] { session->shut_down(); });
  }

 private:
  std::shared_ptr<Session> session_;
};

}  // namespace

void close_cartesia_stt_socket(net::WebSocket& socket) {
  if (!socket.is_open()) return;
  socket.send_text(std::string(kDone));
  socket.close(1000);
}

std::unique_ptr<SttStream> start_cartesia_stt_session(CartesiaSttSessionSetup setup,
                                                      SttEvents events) {
  auto session = std::make_shared<Session>(std::move(setup), std::move(events));
  const auto loop = session->loop();
  asio::dispatch(loop, [session] { session->start(); });
  return std::make_unique<CartesiaSttStream>(std::move(session));
}

}  // namespace patter::providers
