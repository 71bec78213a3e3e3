#include "providers/stt/assemblyai_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <variant>

#include "providers/stt/assemblyai_failure.hpp"
#include "providers/stt/assemblyai_messages.hpp"
#include "providers/stt/assemblyai_stream_offsets.hpp"
#include "providers/stt/replaying_stt_socket.hpp"

namespace patter::providers {

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

SttKeepAlive keep_alive(const AssemblyAiConfig& config) {
  return {std::string(kKeepAlive), config.keepalive_interval};
}

// One live stream: Universal Streaming's messages on the shared replaying socket.
class Session final : public ReplayingSttSocket {
 public:
  Session(AssemblyAiSessionSetup setup, SttEvents events)
      : ReplayingSttSocket(take_socket_setup("assemblyai", setup, keep_alive(*setup.config)),
                           std::move(events)),
        config_(std::move(setup.config)),
        chunk_bytes_(std::max<std::size_t>(config_->input_format.bytes_in(config_->chunk), 1)) {}

 private:
  SocketFailure handshake_failure(const net::WsHandshakeError& error) override {
    return socket_failure(assemblyai_handshake_failure(error.status(), error.body()));
  }
  SocketFailure client_failure(const net::ClientError& error) override {
    return socket_failure(assemblyai_client_failure(error));
  }
  SocketFailure unexpected_failure(std::string_view what) override {
    return socket_failure(assemblyai_unexpected_failure(what));
  }
  std::optional<SocketFailure> closed_by_server(const net::CloseInfo& info) override {
    if (held_) release_held();
    const auto reason = server_error_ ? *server_error_ : info.reason;
    return socket_failure(assemblyai_close_failure(info.code, reason));
  }
  void close_socket(net::WebSocket& socket) override { close_assemblyai_socket(socket); }

  // The answer is the next final: the server's end of turn, or an empty one after final_wait.
  void finalize() override {
    finalize_owed_ = true;
    answer_timer_ = clock().schedule_after(config_->final_wait, [weak = weak_self()] {
      if (const auto self = weak.lock()) self->answer_finalize();
    });
    if (!socket()) {
      defer_finalize();
      return;
    }
    force_endpoint();
  }

  void end_stream() override {
    if (!socket() || !socket()->is_open()) return;
    send_ready(true);
    socket()->send_text(std::string(kTerminate));
    // The server flushes its last turns, sends Termination and closes; a server that does not
    // is closed on after termination_wait.
    const std::weak_ptr<net::WebSocket> open_socket = socket();
    termination_timer_ = clock().schedule_after(config_->termination_wait, [open_socket] {
      if (const auto open = open_socket.lock()) open->close(1000);
    });
  }

  void cancel_timers() override {
    held_timer_.cancel();
    answer_timer_.cancel();
  }

  // The replay is heard again from the start: the old socket's turns mean nothing now.
  void before_replay() override {
    offsets_.restart(base());
    turn_open_ = false;
    last_final_turn_.reset();
    server_error_.reset();
  }

  void send_replay() override { send_ready(false); }
  void send_live(std::string /*bytes*/) override { send_ready(false); }

  void after_replay() override {
    if (take_deferred_finalize()) force_endpoint();
  }

  void on_message(const net::WsMessage& message) override {
    if (message.binary) return;
    std::visit([this](const auto& known) { handle(known); },
               parse_assemblyai_message(message.data));
  }

  void on_message_while_closing(net::WebSocket& socket, const net::WsMessage& message) override {
    if (message.binary) return;
    if (std::holds_alternative<AssemblyAiTermination>(parse_assemblyai_message(message.data))) {
      socket.close(1000);
    }
  }

  [[nodiscard]] std::weak_ptr<Session> weak_self() {
    return std::static_pointer_cast<Session>(shared_from_this());
  }

  // Sends every whole chunk not yet sent; with `flush`, the rest too, padded with silence to a
  // whole chunk (the service refuses shorter ones).
  void send_ready(bool flush) {
    auto sent = std::max(sent_until(), ring().begin_offset());
    while (ring().end_offset() - sent >= chunk_bytes_) {
      auto chunk = ring().slice(sent, chunk_bytes_);
      sent += chunk.size();
      set_sent_until(sent);
      offsets_.add_audio(chunk.size());
      transmit(std::move(chunk));
    }
    set_sent_until(sent);
    if (!flush || ring().end_offset() == sent) return;
    auto rest = ring().slice(sent, chunk_bytes_);
    set_sent_until(sent + rest.size());
    offsets_.add_audio(rest.size());
    const auto padding = chunk_bytes_ - rest.size();
    offsets_.add_padding(padding);
    rest.append(padding, static_cast<char>(silence_byte(config_->input_format.encoding)));
    transmit(std::move(rest));
  }

  void force_endpoint() {
    send_ready(true);
    socket()->send_text(std::string(kForceEndpoint));
  }

  void handle(const AssemblyAiTurn& turn) {
    if (last_final_turn_ && turn.turn_order <= *last_final_turn_) return;  // already final
    if (held_ && turn.turn_order != held_->turn_order) release_held();
    if (!turn.end_of_turn) {
      const auto text = spoken_text(turn, true);
      if (text.empty()) return;
      turn_open_ = true;
      heard_speech_ = true;
      delivery()->transcript(transcript_of(turn, text, false));
      return;
    }
    if (config_->format_turns && !turn.turn_is_formatted) {
      held_ = turn;
      held_timer_ = clock().schedule_after(config_->final_wait, [weak = weak_self()] {
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
    reset_failures();
    if (!turn.words.empty()) acknowledge_stream(turn.words.back().end_ms);
    const auto text = spoken_text(turn, false);
    if (!text.empty() || finalize_owed_) {
      finalize_owed_ = false;
      answer_timer_.cancel();
      delivery()->transcript(transcript_of(turn, text, true));
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
    delivery()->transcript(answer);
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
    delivery()->speech_started();
  }

  void handle(const AssemblyAiBegin& begin) {
    spdlog::debug("assemblyai: call {}: session {} began", call_id(), begin.id);
  }

  void handle(const AssemblyAiTermination& termination) {
    spdlog::debug("assemblyai: call {}: session ended after {:.2f} s ({:.2f} s of audio)",
                  call_id(), termination.session_duration_seconds,
                  termination.audio_duration_seconds);
  }

  // The close that follows is what ends the socket; the message explains it.
  void handle(const AssemblyAiServerError& error) {
    spdlog::debug("assemblyai: call {}: server error {}: {}", call_id(), error.code,
                  error.message);
    server_error_ = error.message;
  }

  void handle(const AssemblyAiMalformed& malformed) {
    fail(assemblyai_malformed_message(malformed.detail).message);
  }

  void handle(const AssemblyAiOther& other) {
    spdlog::debug("assemblyai: call {}: ignoring a {} message", call_id(), other.type);
  }

  [[nodiscard]] std::uint64_t stream_bytes(double stream_ms) const {
    return sample_aligned(stream_ms * bytes_per_second() / 1000.0);
  }

  // Milliseconds of this socket's stream as milliseconds of the whole call's audio.
  [[nodiscard]] double call_ms(double stream_ms) const {
    return ms_of(offsets_.call_offset(stream_bytes(stream_ms)));
  }

  // An ended turn covers the stream up to `stream_ms`: that audio is never replayed.
  void acknowledge_stream(double stream_ms) {
    const auto bytes = stream_bytes(stream_ms);
    acknowledge(offsets_.call_offset(bytes));
    offsets_.forget_before(bytes);
  }

  void speech_ended() {
    if (std::exchange(heard_speech_, false)) delivery()->speech_ended();
  }

  std::shared_ptr<const AssemblyAiConfig> config_;
  std::size_t chunk_bytes_;
  AssemblyAiStreamOffsets offsets_;
  std::optional<std::string> server_error_;  // the Error message before the server's close
  core::Timer termination_timer_;

  bool turn_open_ = false;                       // a partial of an unfinished turn was delivered
  std::optional<std::int64_t> last_final_turn_;  // turn_order of this socket's last final
  std::optional<AssemblyAiTurn> held_;           // an ended turn waiting for its formatted text
  core::Timer held_timer_;
  bool finalize_owed_ = false;  // finalize() was called and no final answered it yet
  core::Timer answer_timer_;
  bool heard_speech_ = false;  // since the last end of speech was reported
};

}  // namespace

void close_assemblyai_socket(net::WebSocket& socket) {
  if (!socket.is_open()) return;
  socket.send_text(std::string(kTerminate));
  socket.close(1000);
}

std::unique_ptr<SttStream> start_assemblyai_session(AssemblyAiSessionSetup setup,
                                                    SttEvents events) {
  return ReplayingSttSocket::start(std::make_shared<Session>(std::move(setup), std::move(events)));
}

}  // namespace patter::providers
