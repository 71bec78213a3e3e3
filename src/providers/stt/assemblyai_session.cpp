#include "providers/stt/assemblyai_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <cmath>
#include <optional>
#include <utility>
#include <variant>

#include "providers/stt/assemblyai_failure.hpp"
#include "providers/stt/assemblyai_messages.hpp"
#include "providers/stt/assemblyai_stream_offsets.hpp"
#include "providers/stt/audio_replay_buffer.hpp"
#include "providers/stt/parked_sockets.hpp"
#include "providers/stt/stt_delivery.hpp"

namespace patter::providers {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view kKeepAlive = R"({"type":"KeepAlive"})";
constexpr std::string_view kForceEndpoint = R"({"type":"ForceEndpoint"})";
constexpr std::string_view kTerminate = R"({"type":"Terminate"})";

std::string spoken_text(const AssemblyAiTurn& turn, bool every_word) {
  if (!every_word && !turn.transcript.empty()) return turn.transcript;
  std::string text;
  for (const auto& word : turn.words) {
    if (word.text.empty()) continue;
    text += (text.empty() ? "" : " ") + word.text;
  }
  return text.empty() ? turn.transcript : text;
}

double mean_confidence(const AssemblyAiTurn& turn) {
  if (turn.words.empty()) return 0.0;
  double sum = 0.0;
  for (const auto& word : turn.words) sum += word.confidence;
  return sum / static_cast<double>(turn.words.size());
}

// One live stream. Everything but `delivery` is used on the loop only.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(AssemblyAiSessionSetup setup, SttEvents events)
      : setup_(std::move(setup)),
        config_(*setup_.config),
        delivery_(std::make_shared<SttDelivery>(std::move(events))),
        ring_(config_.input_format.bytes_in(config_.replay_window)),
        chunk_bytes_(std::max<std::size_t>(config_.input_format.bytes_in(config_.chunk), 1)),
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
      spdlog::warn("assemblyai: call {}: still not connected; audio older than {} ms is lost",
                   setup_.call_id, config_.replay_window.count());
    }
    if (socket_) send_ready(false);
  }

  // The answer is the next final: the server's end of turn, or an empty one after final_wait.
  void on_finalize() {
    if (closing_ || failed_) return;
    finalize_owed_ = true;
    const std::weak_ptr<Session> weak = weak_from_this();
    answer_timer_ = setup_.clock->schedule_after(config_.final_wait, [weak] {
      if (const auto self = weak.lock()) self->answer_finalize();
    });
    if (!socket_) {
      finalize_pending_ = true;
      return;
    }
    force_endpoint();
  }

  void shut_down() {
    if (closing_) return;
    closing_ = true;
    keepalive_.cancel();
    retry_.cancel();
    held_timer_.cancel();
    answer_timer_.cancel();
    if (!socket_ || !socket_->is_open()) return;
    send_ready(true);
    socket_->send_text(std::string(kTerminate));
    // The server flushes its last turns, sends Termination and closes; a server that does not
    // is closed on after termination_wait.
    const std::weak_ptr<net::WebSocket> socket = socket_;
    termination_timer_ = setup_.clock->schedule_after(config_.termination_wait, [socket] {
      if (const auto open = socket.lock()) open->close(1000);
    });
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
        failure = assemblyai_handshake_failure(error.status(), error.body());
      } catch (const net::ClientError& error) {
        failure = assemblyai_client_failure(error);
      } catch (const std::exception& error) {
        failure = assemblyai_unexpected_failure(error.what());
      }
    }
    if (self->closing_ || self->failed_) {
      if (socket) close_assemblyai_socket(*socket);
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
    if (sent_ > base_) {
      delivery_->audio_replayed(static_cast<double>(sent_ - base_) / bytes_per_second_);
    }
    sent_ = base_;
    offsets_.restart(base_);
    // The replay is heard again from the start: the old socket's turns mean nothing now.
    turn_open_ = false;
    last_final_turn_.reset();
    server_error_.reset();
    if (base_ > acked_) {
      spdlog::warn(
          "assemblyai: call {}: {} ms of audio fell out of the replay window", setup_.call_id,
          static_cast<long long>(static_cast<double>(base_ - acked_) * 1000.0 / bytes_per_second_));
    }
    send_ready(false);
    if (std::exchange(finalize_pending_, false)) force_endpoint();
    last_sent_ = setup_.clock->now();
    arm_keepalive();
    asio::co_spawn(setup_.loop, read(shared_from_this(), socket_, generation), asio::detached);
  }

  // Sends every whole chunk not yet sent; with `flush`, the rest too, padded with silence to a
  // whole chunk (the service refuses shorter ones).
  void send_ready(bool flush) {
    sent_ = std::max(sent_, ring_.begin_offset());
    while (ring_.end_offset() - sent_ >= chunk_bytes_) {
      auto chunk = ring_.slice(sent_, chunk_bytes_);
      sent_ += chunk.size();
      offsets_.add_audio(chunk.size());
      send_audio(std::move(chunk));
    }
    if (!flush || ring_.end_offset() == sent_) return;
    auto rest = ring_.slice(sent_, chunk_bytes_);
    sent_ += rest.size();
    offsets_.add_audio(rest.size());
    const auto padding = chunk_bytes_ - rest.size();
    offsets_.add_padding(padding);
    rest.append(padding, static_cast<char>(silence_byte(config_.input_format.encoding)));
    send_audio(std::move(rest));
  }

  void send_audio(std::string bytes) {
    setup_.sent_bytes->fetch_add(bytes.size());
    last_sent_ = setup_.clock->now();
    socket_->send_binary(std::move(bytes));
  }

  void force_endpoint() {
    send_ready(true);
    socket_->send_text(std::string(kForceEndpoint));
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
      if (generation != self->generation_ || self->failed_ || message->binary) continue;
      auto decoded = parse_assemblyai_message(message->data);
      if (self->closing_) {
        if (std::holds_alternative<AssemblyAiTermination>(decoded)) socket->close(1000);
        continue;
      }
      std::visit([&self](const auto& known) { self->handle(known); }, decoded);
    }
    if (generation != self->generation_ || self->closing_ || self->failed_) co_return;
    self->socket_.reset();
    self->keepalive_.cancel();
    if (self->held_) self->release_held();
    const auto& info = socket->close_info();
    const auto reason = self->server_error_ ? *self->server_error_ : info.reason;
    self->retry_or_fail(assemblyai_close_failure(info.code, reason));
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
    held_timer_.cancel();
    answer_timer_.cancel();
    if (socket_) close_assemblyai_socket(*socket_);
    socket_.reset();
    delivery_->error(message);
  }

  void handle(const AssemblyAiTurn& turn) {
    if (last_final_turn_ && turn.turn_order <= *last_final_turn_) return;  // already final
    if (held_ && turn.turn_order != held_->turn_order) release_held();
    if (!turn.end_of_turn) {
      const auto text = spoken_text(turn, true);
      if (text.empty()) return;
      turn_open_ = true;
      heard_speech_ = true;
      delivery_->transcript(transcript_of(turn, text, false));
      return;
    }
    if (config_.format_turns && !turn.turn_is_formatted) {
      held_ = turn;
      const std::weak_ptr<Session> weak = weak_from_this();
      held_timer_ = setup_.clock->schedule_after(config_.final_wait, [weak] {
        const auto self = weak.lock();
        if (self && self->held_) self->release_held();
      });
      return;
    }
    held_.reset();
    held_timer_.cancel();
    deliver_final(turn);
  }

  // The formatted text did not come: the plain one is final.
  void release_held() {
    held_timer_.cancel();
    const auto turn = *std::exchange(held_, std::nullopt);
    deliver_final(turn);
  }

  void deliver_final(const AssemblyAiTurn& turn) {
    last_final_turn_ = turn.turn_order;
    turn_open_ = false;
    failures_ = 0;
    if (!turn.words.empty()) acknowledge(turn.words.back().end_ms);
    const auto text = spoken_text(turn, false);
    if (!text.empty() || finalize_owed_) {
      finalize_owed_ = false;
      answer_timer_.cancel();
      delivery_->transcript(transcript_of(turn, text, true));
    }
    speech_ended();
  }

  void answer_finalize() {
    if (!finalize_owed_) return;
    if (held_) {
      release_held();
      return;
    }
    finalize_owed_ = false;
    Transcript answer;
    answer.is_final = true;
    delivery_->transcript(answer);
  }

  [[nodiscard]] Transcript transcript_of(const AssemblyAiTurn& turn, std::string text,
                                         bool is_final) const {
    Transcript transcript;
    transcript.text = std::move(text);
    transcript.is_final = is_final;
    transcript.speech_final = is_final;
    transcript.confidence = mean_confidence(turn);
    if (!turn.words.empty()) {
      transcript.start_ms = call_ms(turn.words.front().start_ms);
      transcript.end_ms = call_ms(turn.words.back().end_ms);
    }
    return transcript;
  }

  void handle(const AssemblyAiSpeechStarted& /*started*/) {
    heard_speech_ = true;
    delivery_->speech_started();
  }

  void handle(const AssemblyAiBegin& begin) {
    spdlog::debug("assemblyai: call {}: session {} began", setup_.call_id, begin.id);
  }

  void handle(const AssemblyAiTermination& termination) {
    spdlog::debug("assemblyai: call {}: session ended after {:.2f} s ({:.2f} s of audio)",
                  setup_.call_id, termination.session_duration_seconds,
                  termination.audio_duration_seconds);
  }

  // The close that follows is what ends the socket; the message explains it.
  void handle(const AssemblyAiServerError& error) {
    spdlog::debug("assemblyai: call {}: server error {}: {}", setup_.call_id, error.code,
                  error.message);
    server_error_ = error.message;
  }

  void handle(const AssemblyAiMalformed& malformed) {
    fail(assemblyai_malformed_message(malformed.detail).message);
  }

  void handle(const AssemblyAiOther& other) {
    spdlog::debug("assemblyai: call {}: ignoring a {} message", setup_.call_id, other.type);
  }

  [[nodiscard]] std::uint64_t stream_bytes(double stream_ms) const {
    auto bytes = static_cast<std::uint64_t>(
        std::llround(std::max(0.0, stream_ms) * bytes_per_second_ / 1000.0));
    return bytes - bytes % config_.input_format.bytes_per_sample();
  }

  // Milliseconds of this socket's stream as milliseconds of the whole call's audio.
  [[nodiscard]] double call_ms(double stream_ms) const {
    const auto offset = offsets_.call_offset(stream_bytes(stream_ms));
    return static_cast<double>(offset) * 1000.0 / bytes_per_second_;
  }

  // An ended turn covers the stream up to `stream_ms`: that audio is never replayed.
  void acknowledge(double stream_ms) {
    const auto bytes = stream_bytes(stream_ms);
    acked_ = std::max(acked_, std::min(offsets_.call_offset(bytes), ring_.end_offset()));
    ring_.acknowledge(acked_);
    offsets_.forget_before(bytes);
  }

  void speech_ended() {
    if (std::exchange(heard_speech_, false)) delivery_->speech_ended();
  }

  AssemblyAiSessionSetup setup_;
  const AssemblyAiConfig& config_;
  std::shared_ptr<SttDelivery> delivery_;
  AudioReplayBuffer ring_;
  std::size_t chunk_bytes_;
  double bytes_per_second_;

  std::shared_ptr<net::WebSocket> socket_;  // null while connecting
  std::uint64_t generation_ = 0;            // counts sockets; a stale reader stops delivering
  std::uint64_t base_ = 0;                  // the call-audio offset of the socket's first byte
  std::uint64_t sent_ = 0;                  // call audio before this offset went to the socket
  std::uint64_t acked_ = 0;                 // audio before this offset is covered by finals
  AssemblyAiStreamOffsets offsets_;
  int failures_ = 0;  // connection failures since the last final
  bool tried_parked_ = false;
  bool finalize_pending_ = false;  // ForceEndpoint goes out once the socket opens
  bool closing_ = false;
  bool failed_ = false;
  bool warned_overflow_ = false;
  std::optional<std::string> server_error_;  // the Error message before the server's close
  core::TimePoint last_sent_{};
  core::Timer keepalive_;
  core::Timer retry_;
  core::Timer termination_timer_;

  bool turn_open_ = false;                       // a partial of an unfinished turn was delivered
  std::optional<std::int64_t> last_final_turn_;  // turn_order of this socket's last final
  std::optional<AssemblyAiTurn> held_;           // an ended turn waiting for its formatted text
  core::Timer held_timer_;
  bool finalize_owed_ = false;  // finalize() was called and no final answered it yet
  core::Timer answer_timer_;
  bool heard_speech_ = false;  // since the last end of speech was reported
};

class AssemblyAiStream final : public SttStream {
 public:
  explicit AssemblyAiStream(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  ~AssemblyAiStream() override { close(); }
  AssemblyAiStream(const AssemblyAiStream&) = delete;
  AssemblyAiStream& operator=(const AssemblyAiStream&) = delete;

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

void close_assemblyai_socket(net::WebSocket& socket) {
  if (!socket.is_open()) return;
  socket.send_text(std::string(kTerminate));
  socket.close(1000);
}

std::unique_ptr<SttStream> start_assemblyai_session(AssemblyAiSessionSetup setup,
                                                    SttEvents events) {
  auto session = std::make_shared<Session>(std::move(setup), std::move(events));
  const auto loop = session->loop();
  asio::dispatch(loop, [session] { session->start(); });
  return std::make_unique<AssemblyAiStream>(std::move(session));
}

}  // namespace patter::providers
