#include "providers/stt/deepgram_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <cmath>
#include <optional>
#include <utility>
#include <variant>

#include "providers/stt/audio_replay_buffer.hpp"
#include "providers/stt/deepgram_failure.hpp"
#include "providers/stt/deepgram_messages.hpp"
#include "providers/stt/parked_sockets.hpp"
#include "providers/stt/stt_delivery.hpp"

namespace patter::providers {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view kKeepAlive = R"({"type":"KeepAlive"})";
constexpr std::string_view kFinalize = R"({"type":"Finalize"})";
constexpr milliseconds kReplayChunk{200};

// One live stream. Everything but `delivery` is used on the loop only.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(DeepgramSessionSetup setup, SttEvents events)
      : setup_(std::move(setup)),
        config_(*setup_.config),
        delivery_(std::make_shared<SttDelivery>(std::move(events))),
        ring_(config_.input_format.bytes_in(config_.replay_window)),
        bytes_per_second_(static_cast<double>(config_.input_format.sample_rate) *
                          static_cast<double>(config_.input_format.bytes_per_sample())) {}

  [[nodiscard]] const asio::any_io_executor& loop() const { return setup_.loop; }
  [[nodiscard]] const std::shared_ptr<SttDelivery>& delivery() const { return delivery_; }

  void start() { asio::co_spawn(setup_.loop, attempt(shared_from_this()), asio::detached); }

  void on_audio(const std::string& bytes) {
    if (closing_ || failed_ || bytes.empty()) return;
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    const auto dropped = ring_.append({data, bytes.size()});
    if (dropped > 0 && !socket_ && !warned_overflow_) {
      warned_overflow_ = true;
      spdlog::warn("deepgram: call {}: still not connected; audio older than {} ms is lost",
                   setup_.call_id, config_.replay_window.count());
    }
    if (socket_) {
      send_audio(bytes);
      sent_until_ = ring_.end_offset();
    }
  }

  void on_finalize() {
    if (closing_ || failed_) return;
    if (!socket_) {
      finalize_pending_ = true;
      return;
    }
    socket_->send_text(std::string(kFinalize));
  }

  void shut_down() {
    if (closing_) return;
    closing_ = true;
    keepalive_.cancel();
    retry_.cancel();
    if (socket_) close_deepgram_socket(*socket_);
    socket_.reset();
  }

 private:
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
        failure = failure_from_handshake(error.status(), error.body());
      } catch (const net::ClientError& error) {
        failure = failure_from_client_error(error);
      } catch (const std::exception& error) {
        failure = unexpected_failure(error.what());
      }
    }
    if (self->closing_ || self->failed_) {
      if (socket) close_deepgram_socket(*socket);
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
    // The replay is heard again from the start: an interim of the old socket means nothing now.
    interim_.reset();
    if (base_ > acked_) {
      spdlog::warn(
          "deepgram: call {}: {} ms of audio fell out of the replay window", setup_.call_id,
          static_cast<long long>(static_cast<double>(base_ - acked_) * 1000.0 / bytes_per_second_));
    }
    const auto chunk = std::max<std::size_t>(config_.input_format.bytes_in(kReplayChunk), 1);
    for (auto offset = base_; offset < ring_.end_offset(); offset += chunk) {
      send_audio(ring_.slice(offset, chunk));
    }
    if (sent_until_ > base_) {
      delivery_->audio_replayed(static_cast<double>(sent_until_ - base_) / bytes_per_second_);
    }
    sent_until_ = ring_.end_offset();
    if (std::exchange(finalize_pending_, false)) socket_->send_text(std::string(kFinalize));
    last_sent_ = setup_.clock->now();
    arm_keepalive();
    asio::co_spawn(setup_.loop, read(shared_from_this(), socket_, generation), asio::detached);
  }

  void send_audio(std::string bytes) {
    setup_.sent_bytes->fetch_add(bytes.size());
    last_sent_ = setup_.clock->now();
    socket_->send_binary(std::move(bytes));
  }

  void arm_keepalive() {
    const std::weak_ptr<Session> weak = weak_from_this();
    keepalive_ = setup_.clock->schedule_at(last_sent_ + config_.keepalive_interval, [weak] {
      const auto self = weak.lock();
      if (!self || !self->socket_) return;
      const auto now = self->setup_.clock->now();
      if (now - self->last_sent_ >= self->config_.keepalive_interval) {
        self->socket_->send_text(std::string(kKeepAlive));
        self->last_sent_ = now;
      }
      self->arm_keepalive();
    });
  }

  static asio::awaitable<void> read(std::shared_ptr<Session> self,
                                    std::shared_ptr<net::WebSocket> socket,
                                    std::uint64_t generation) {
    while (auto message = co_await socket->receive()) {
      if (generation != self->generation_ || self->closing_ || self->failed_) continue;
      if (message->binary) continue;
      std::visit([&self](const auto& decoded) { self->handle(decoded); },
                 parse_deepgram_message(message->data));
    }
    if (generation != self->generation_ || self->closing_ || self->failed_) co_return;
    self->socket_.reset();
    self->keepalive_.cancel();
    const auto& info = socket->close_info();
    self->retry_or_fail(failure_from_close(info.code, info.reason));
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
      asio::co_spawn(setup_.loop, attempt(shared_from_this()), asio::detached);
      return;
    }
    const std::weak_ptr<Session> weak = weak_from_this();
    retry_ = setup_.clock->schedule_after(delay, [weak] {
      if (const auto self = weak.lock(); self && !self->closing_ && !self->failed_) {
        asio::co_spawn(self->setup_.loop, attempt(self), asio::detached);
      }
    });
  }

  void fail(const std::string& message) {
    if (failed_) return;
    failed_ = true;
    keepalive_.cancel();
    retry_.cancel();
    if (socket_) close_deepgram_socket(*socket_);
    socket_.reset();
    delivery_->error(message);
  }

  // Seconds of this socket's stream as milliseconds of the whole call's audio.
  [[nodiscard]] double call_ms(double stream_seconds) const {
    return (static_cast<double>(base_) / bytes_per_second_ + stream_seconds) * 1000.0;
  }

  void handle(const DeepgramResults& results) {
    Transcript transcript;
    transcript.text = results.transcript;
    transcript.is_final = results.is_final;
    transcript.speech_final = results.speech_final;
    transcript.confidence = results.confidence;
    if (results.first_word_start) transcript.start_ms = call_ms(*results.first_word_start);
    if (results.last_word_end) transcript.end_ms = call_ms(*results.last_word_end);
    const bool has_text = !results.transcript.empty();
    if (!results.is_final) {
      if (!has_text) return;
      interim_ = transcript;
      heard_speech_ = true;
      delivery_->transcript(transcript);
      return;
    }
    acknowledge(results.start + results.duration);
    failures_ = 0;
    interim_.reset();
    // An UtteranceEnd already turned the interim of these words into a final.
    const bool repeated =
        has_text && transcript.end_ms && *transcript.end_ms <= delivered_until_ms_;
    if (repeated || (!has_text && !results.from_finalize)) {
      if (repeated && results.from_finalize) {
        // finalize() still gets its answer, without the words again.
        Transcript answer;
        answer.is_final = true;
        delivery_->transcript(answer);
      }
      if (results.speech_final) speech_ended();
      return;
    }
    if (transcript.end_ms) delivered_until_ms_ = std::max(delivered_until_ms_, *transcript.end_ms);
    if (has_text) heard_speech_ = true;
    delivery_->transcript(transcript);
    if (results.speech_final) speech_ended();
  }

  void handle(const DeepgramUtteranceEnd& /*end*/) {
    if (interim_) {
      auto transcript = *std::exchange(interim_, std::nullopt);
      transcript.is_final = true;
      transcript.speech_final = true;
      if (transcript.end_ms) {
        delivered_until_ms_ = std::max(delivered_until_ms_, *transcript.end_ms);
      }
      delivery_->transcript(transcript);
    }
    speech_ended();
  }

  void handle(const DeepgramSpeechStarted& /*started*/) {
    heard_speech_ = true;
    delivery_->speech_started();
  }

  void handle(const DeepgramMetadata& metadata) {
    spdlog::debug("deepgram: call {}: request {} processed {:.2f} s of audio", setup_.call_id,
                  metadata.request_id, metadata.duration);
  }

  void handle(const DeepgramServerError& error) { fail(server_error(error.message).message); }
  void handle(const DeepgramMalformed& malformed) {
    fail(malformed_message(malformed.detail).message);
  }
  void handle(const DeepgramOther& other) {
    spdlog::debug("deepgram: call {}: ignoring a {} message", setup_.call_id, other.type);
  }

  // A final covers the stream up to `stream_seconds`: that audio is never replayed.
  void acknowledge(double stream_seconds) {
    const auto sample_bytes = config_.input_format.bytes_per_sample();
    auto bytes =
        static_cast<std::uint64_t>(std::llround(std::max(0.0, stream_seconds) * bytes_per_second_));
    bytes -= bytes % sample_bytes;
    acked_ = std::max(acked_, std::min(base_ + bytes, ring_.end_offset()));
    ring_.acknowledge(acked_);
  }

  void speech_ended() {
    if (std::exchange(heard_speech_, false)) delivery_->speech_ended();
  }

  DeepgramSessionSetup setup_;
  const DeepgramConfig& config_;
  std::shared_ptr<SttDelivery> delivery_;
  AudioReplayBuffer ring_;
  double bytes_per_second_;

  std::shared_ptr<net::WebSocket> socket_;  // null while connecting
  std::uint64_t generation_ = 0;            // counts sockets; a stale reader stops delivering
  std::uint64_t base_ = 0;                  // the call-audio offset of the socket's first byte
  std::uint64_t acked_ = 0;                 // audio before this offset is covered by finals
  std::uint64_t sent_until_ = 0;            // audio before this offset went to some socket
  int failures_ = 0;                        // connection failures since the last final result
  bool tried_parked_ = false;
  bool finalize_pending_ = false;
  bool closing_ = false;
  bool failed_ = false;
  bool warned_overflow_ = false;
  core::TimePoint last_sent_{};
  core::Timer keepalive_;
  core::Timer retry_;

  std::optional<Transcript> interim_;  // the latest interim not yet followed by a final
  double delivered_until_ms_ = -1.0;   // end of the last word delivered in a final
  bool heard_speech_ = false;          // since the last end of speech was reported
};

class DeepgramStream final : public SttStream {
 public:
  explicit DeepgramStream(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  ~DeepgramStream() override { close(); }
  DeepgramStream(const DeepgramStream&) = delete;
  DeepgramStream& operator=(const DeepgramStream&) = delete;

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

std::unique_ptr<SttStream> start_deepgram_session(DeepgramSessionSetup setup, SttEvents events) {
  auto session = std::make_shared<Session>(std::move(setup), std::move(events));
  const auto loop = session->loop();
  asio::dispatch(loop, [session] { session->start(); });
  return std::make_unique<DeepgramStream>(std::move(session));
}

}  // namespace patter::providers
