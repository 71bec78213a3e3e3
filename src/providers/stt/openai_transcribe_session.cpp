#include "providers/stt/openai_transcribe_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <cmath>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <variant>

#include "providers/stt/audio_replay_buffer.hpp"
#include "providers/stt/openai_transcribe_failure.hpp"
#include "providers/stt/openai_transcribe_messages.hpp"
#include "providers/stt/parked_sockets.hpp"
#include "providers/stt/stt_delivery.hpp"

namespace patter::providers {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kReplayChunk{200};
constexpr std::string_view kCommitEmpty = "input_audio_buffer_commit_empty";

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// One item of the server's input buffer, from its speech start or commit to its transcript.
struct Item {
  std::optional<double> start_ms;    // of the socket's audio
  std::optional<std::uint64_t> end;  // call-audio offset just past its audio
  std::string interim;               // the deltas so far
  bool ended_by_vad = false;
};

// One live stream. Everything but `delivery` is used on the loop only.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(TranscriptionSessionSetup setup, SttEvents events)
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
      spdlog::warn(
          "openai_transcribe: call {}: still not connected; audio older than {} ms is lost",
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
    if (speaking_) {
      commit();
      speaking_ = false;
      speech_ended();
      return;
    }
    if (items_.empty()) {
      answer_empty();
      return;
    }
    answer_pending_ = true;  // the transcript on its way answers
  }

  void shut_down() {
    if (closing_) return;
    closing_ = true;
    retry_.cancel();
    if (socket_) close_transcription_socket(*socket_);
    socket_.reset();
  }

 private:
  static asio::awaitable<void> attempt(std::shared_ptr<Session> self) {
    std::shared_ptr<net::WebSocket> socket;
    if (self->setup_.parked && !std::exchange(self->tried_parked_, true)) {
      socket = self->setup_.parked->take(self->setup_.parked_key, self->setup_.loop);
    }
    std::optional<TranscribeFailure> failure;
    if (!socket) {
      try {
        net::WsConnectRequest request = self->setup_.request;
        socket = co_await self->setup_.client->connect(std::move(request));
      } catch (const net::WsHandshakeError& error) {
        failure = transcribe_failure_from_status(error.status(), error.headers(), error.body(),
                                                 std::chrono::system_clock::now());
      } catch (const net::ClientError& error) {
        failure = transcribe_failure_from_client_error(error);
      } catch (const std::exception& error) {
        failure = transcribe_unexpected(error.what());
      }
    }
    if (self->closing_ || self->failed_) {
      if (socket) close_transcription_socket(*socket);
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
    // The new socket hears the replay from scratch: the old socket's items mean nothing now.
    speaking_ = false;
    items_.clear();
    commits_.clear();
    if (base_ > acked_) {
      spdlog::warn("openai_transcribe: call {}: {} ms of audio fell out of the replay window",
                   setup_.call_id, static_cast<long long>(ms_of(base_ - acked_)));
    }
    socket_->send_text(transcription_session_update(config_, setup_.language));
    const auto chunk = std::max<std::size_t>(config_.input_format.bytes_in(kReplayChunk), 1);
    for (auto offset = base_; offset < ring_.end_offset(); offset += chunk) {
      send_audio(ring_.slice(offset, chunk));
    }
    if (sent_until_ > base_) {
      delivery_->audio_replayed(static_cast<double>(sent_until_ - base_) / bytes_per_second_);
    }
    sent_until_ = ring_.end_offset();
    if (std::exchange(finalize_pending_, false) || std::exchange(answer_pending_, false)) {
      if (ring_.end_offset() > base_) {
        commit();
      } else {
        answer_empty();
      }
    }
    asio::co_spawn(setup_.loop, read(shared_from_this(), socket_, generation), asio::detached);
  }

  void send_audio(const std::string& bytes) {
    setup_.sent_bytes->fetch_add(bytes.size());
    socket_->send_text(
        audio_buffer_append({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}));
  }

  // Commits what the server holds; the transcript of the item it makes answers finalize().
  void commit() {
    socket_->send_text(audio_buffer_commit());
    commits_.push_back(ring_.end_offset());
    answer_pending_ = true;
  }

  static asio::awaitable<void> read(std::shared_ptr<Session> self,
                                    std::shared_ptr<net::WebSocket> socket,
                                    std::uint64_t generation) {
    while (auto message = co_await socket->receive()) {
      if (generation != self->generation_ || self->closing_ || self->failed_) continue;
      if (message->binary) continue;
      std::visit([&self](const auto& event) { self->handle(event); },
                 parse_transcription_event(message->data));
    }
    if (generation != self->generation_ || self->closing_ || self->failed_) co_return;
    self->socket_.reset();
    const auto& info = socket->close_info();
    self->retry_or_fail(transcribe_failure_from_close(info.code, info.reason));
  }

  void retry_or_fail(const TranscribeFailure& failure) {
    if (!failure.retryable) {
      fail(failure.message);
      return;
    }
    if (failures_ >= config_.reconnect_attempts) {
      fail(failure.message +
           (failures_ > 0 ? " (after " + std::to_string(failures_) + " reconnect attempts)" : ""));
      return;
    }
    auto delay = failures_ == 0 ? milliseconds::zero()
                                : config_.reconnect_backoff * (1 << std::min(failures_ - 1, 10));
    if (failure.retry_after) delay = std::max(delay, *failure.retry_after);
    ++failures_;
    spdlog::warn("call {}: {}; reconnecting in {} ms, replaying {} ms of audio", setup_.call_id,
                 failure.message, delay.count(), static_cast<long long>(ms_of(ring_.size())));
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

  // Drops the socket (an error event the server will not recover from) and tries again.
  void reconnect_after(const TranscribeFailure& failure) {
    ++generation_;
    if (socket_) socket_->abort();
    socket_.reset();
    retry_or_fail(failure);
  }

  void fail(const std::string& message) {
    if (failed_) return;
    failed_ = true;
    retry_.cancel();
    if (socket_) close_transcription_socket(*socket_);
    socket_.reset();
    delivery_->error(message);
  }

  [[nodiscard]] double ms_of(std::uint64_t bytes) const {
    return static_cast<double>(bytes) * 1000.0 / bytes_per_second_;
  }
  // Milliseconds of this socket's audio as milliseconds of the call's.
  [[nodiscard]] double call_ms(double socket_ms) const { return ms_of(base_) + socket_ms; }
  // The call-audio offset at `socket_ms` into this socket's audio, on a sample boundary.
  [[nodiscard]] std::uint64_t offset_at(double socket_ms) const {
    const auto sample_bytes = config_.input_format.bytes_per_sample();
    auto bytes = static_cast<std::uint64_t>(
        std::llround(std::max(0.0, socket_ms) * bytes_per_second_ / 1000.0));
    bytes -= bytes % sample_bytes;
    return std::min(base_ + bytes, ring_.end_offset());
  }

  void handle(const TranscriptionSessionReady& ready) {
    spdlog::debug("openai_transcribe: call {}: session {}", setup_.call_id,
                  ready.updated ? "updated" : "created");
  }

  void handle(const TranscriptionSpeechStarted& started) {
    speaking_ = true;
    items_[started.item_id].start_ms = started.audio_start_ms;
    if (!std::exchange(speech_open_, true)) delivery_->speech_started();
  }

  void handle(const TranscriptionSpeechStopped& stopped) {
    speaking_ = false;
    auto& item = items_[stopped.item_id];
    item.end = offset_at(stopped.audio_end_ms);
    item.ended_by_vad = true;
    speech_ended();
  }

  void handle(const TranscriptionCommitted& committed) {
    auto& item = items_[committed.item_id];
    if (item.end || commits_.empty()) return;
    item.end = commits_.front();
    commits_.pop_front();
  }

  void handle(const TranscriptionDelta& delta) {
    auto& item = items_[delta.item_id];
    item.interim += delta.delta;
    Transcript transcript;
    transcript.text = trimmed(item.interim);
    if (transcript.text.empty()) return;
    if (item.start_ms) transcript.start_ms = call_ms(*item.start_ms);
    delivery_->transcript(transcript);
  }

  void handle(const TranscriptionCompleted& completed) {
    Item item;
    if (const auto found = items_.find(completed.item_id); found != items_.end()) {
      item = std::move(found->second);
      items_.erase(found);
    }
    if (item.end) acknowledge(*item.end);
    failures_ = 0;
    Transcript transcript;
    transcript.text = trimmed(completed.transcript);
    transcript.is_final = true;
    transcript.speech_final = item.ended_by_vad;
    if (item.start_ms) transcript.start_ms = call_ms(*item.start_ms);
    if (item.end) transcript.end_ms = ms_of(*item.end);
    // A silent item says nothing, unless it answers finalize().
    if (transcript.text.empty() && !answer_pending_) return;
    answer_pending_ = false;
    delivery_->transcript(transcript);
  }

  void handle(const TranscriptionItemFailed& failed) {
    spdlog::warn("openai_transcribe: call {}: no transcript for item {}: {}", setup_.call_id,
                 failed.item_id, failed.message);
    if (const auto found = items_.find(failed.item_id); found != items_.end()) {
      // Sending that audio again would not help: it is given up, not replayed.
      if (found->second.end) acknowledge(*found->second.end);
      items_.erase(found);
    }
    if (answer_pending_ && items_.empty()) answer_empty();
  }

  void handle(const TranscriptionServerError& error) {
    if (error.code == kCommitEmpty) {
      // Too little audio to commit: the server's VAD already took it, or there was none.
      spdlog::debug("openai_transcribe: call {}: {}", setup_.call_id, error.message);
      if (!commits_.empty()) commits_.pop_front();
      if (answer_pending_ && items_.empty()) answer_empty();
      return;
    }
    const auto failure = transcribe_server_error(error.type, error.code, error.message);
    if (failure.retryable) {
      reconnect_after(failure);
    } else {
      fail(failure.message);
    }
  }

  void handle(const TranscriptionOther& other) {
    spdlog::debug("openai_transcribe: call {}: ignoring a {} event", setup_.call_id, other.type);
  }

  void handle(const TranscriptionMalformed& malformed) {
    fail(transcribe_malformed(malformed.detail).message);
  }

  // A final covers the call's audio up to `offset`: that audio is never replayed.
  void acknowledge(std::uint64_t offset) {
    acked_ = std::max(acked_, std::min(offset, ring_.end_offset()));
    ring_.acknowledge(acked_);
  }

  void answer_empty() {
    answer_pending_ = false;
    Transcript answer;
    answer.is_final = true;
    delivery_->transcript(answer);
  }

  void speech_ended() {
    if (std::exchange(speech_open_, false)) delivery_->speech_ended();
  }

  TranscriptionSessionSetup setup_;
  const OpenAiTranscribeConfig& config_;
  std::shared_ptr<SttDelivery> delivery_;
  AudioReplayBuffer ring_;
  double bytes_per_second_;

  std::shared_ptr<net::WebSocket> socket_;  // null while connecting
  std::uint64_t generation_ = 0;            // counts sockets; a stale reader stops delivering
  std::uint64_t base_ = 0;                  // the call-audio offset of the socket's first byte
  std::uint64_t acked_ = 0;                 // audio before this offset is covered by finals
  std::uint64_t sent_until_ = 0;            // audio before this offset went to some socket
  int failures_ = 0;                        // connection failures since the last final
  bool tried_parked_ = false;
  bool finalize_pending_ = false;  // asked for while no socket was open
  bool answer_pending_ = false;    // finalize() waits for the next final
  bool closing_ = false;
  bool failed_ = false;
  bool warned_overflow_ = false;
  core::Timer retry_;

  bool speaking_ = false;     // the server's VAD hears speech on this socket
  bool speech_open_ = false;  // on_speech_started was delivered, on_speech_ended not yet
  std::map<std::string, Item> items_;
  std::deque<std::uint64_t> commits_;  // offsets of commits the server has not acknowledged
};

class TranscriptionStream final : public SttStream {
 public:
  explicit TranscriptionStream(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  ~TranscriptionStream() override { close(); }
  TranscriptionStream(const TranscriptionStream&) = delete;
  TranscriptionStream& operator=(const TranscriptionStream&) = delete;

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

void close_transcription_socket(net::WebSocket& socket) {
  if (socket.is_open()) socket.close(1000);
}

std::unique_ptr<SttStream> start_transcription_session(TranscriptionSessionSetup setup,
                                                       SttEvents events) {
  auto session = std::make_shared<Session>(std::move(setup), std::move(events));
  const auto loop = session->loop();
  asio::dispatch(loop, [session] { session->start(); });
  return std::make_unique<TranscriptionStream>(std::move(session));
}

}  // namespace patter::providers
