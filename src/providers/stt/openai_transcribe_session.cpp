#include "providers/stt/openai_transcribe_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <variant>

#include "providers/stt/openai_transcribe_failure.hpp"
#include "providers/stt/openai_transcribe_messages.hpp"
#include "providers/stt/replaying_stt_socket.hpp"

namespace patter::providers {

namespace {

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

// One live stream: Realtime transcription events on the shared replaying socket.
class Session final : public ReplayingSttSocket {
 public:
  Session(TranscriptionSessionSetup setup, SttEvents events)
      : ReplayingSttSocket(take_socket_setup("openai_transcribe", setup, std::nullopt),
                           std::move(events)),
        config_(std::move(setup.config)),
        language_(std::move(setup.language)) {}

 private:
  SocketFailure handshake_failure(const net::WsHandshakeError& error) override {
    return socket_failure(transcribe_failure_from_status(
        error.status(), error.headers(), error.body(), std::chrono::system_clock::now()));
  }
  SocketFailure client_failure(const net::ClientError& error) override {
    return socket_failure(transcribe_failure_from_client_error(error));
  }
  SocketFailure unexpected_failure(std::string_view what) override {
    return socket_failure(transcribe_unexpected(what));
  }
  std::optional<SocketFailure> closed_by_server(const net::CloseInfo& info) override {
    return socket_failure(transcribe_failure_from_close(info.code, info.reason));
  }
  void close_socket(net::WebSocket& socket) override { close_transcription_socket(socket); }

  void finalize() override {
    if (!socket()) {
      defer_finalize();
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

  // The new socket hears the replay from scratch: the old socket's items mean nothing now.
  void before_replay() override {
    speaking_ = false;
    items_.clear();
    commits_.clear();
    socket()->send_text(transcription_session_update(*config_, language_));
  }

  void after_replay() override {
    if (take_deferred_finalize() || std::exchange(answer_pending_, false)) {
      if (ring().end_offset() > base()) {
        commit();
      } else {
        answer_empty();
      }
    }
  }

  void write_audio(net::WebSocket& socket, std::string bytes) override {
    socket.send_text(
        audio_buffer_append({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}));
  }

  void on_message(const net::WsMessage& message) override {
    if (message.binary) return;
    std::visit([this](const auto& event) { handle(event); },
               parse_transcription_event(message.data));
  }

  // Commits what the server holds; the transcript of the item it makes answers finalize().
  void commit() {
    socket()->send_text(audio_buffer_commit());
    commits_.push_back(ring().end_offset());
    answer_pending_ = true;
  }

  // Milliseconds of this socket's audio as milliseconds of the call's.
  [[nodiscard]] double call_ms(double socket_ms) const { return ms_of(base()) + socket_ms; }
  // The call-audio offset at `socket_ms` into this socket's audio, on a sample boundary.
  [[nodiscard]] std::uint64_t offset_at(double socket_ms) const {
    const auto bytes = sample_aligned(socket_ms * bytes_per_second() / 1000.0);
    return std::min(base() + bytes, ring().end_offset());
  }

  void handle(const TranscriptionSessionReady& ready) {
    spdlog::debug("openai_transcribe: call {}: session {}", call_id(),
                  ready.updated ? "updated" : "created");
  }

  void handle(const TranscriptionSpeechStarted& started) {
    speaking_ = true;
    items_[started.item_id].start_ms = started.audio_start_ms;
    if (!std::exchange(speech_open_, true)) delivery()->speech_started();
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
    delivery()->transcript(transcript);
  }

  void handle(const TranscriptionCompleted& completed) {
    Item item;
    if (const auto found = items_.find(completed.item_id); found != items_.end()) {
      item = std::move(found->second);
      items_.erase(found);
    }
    if (item.end) acknowledge(*item.end);
    reset_failures();
    Transcript transcript;
    transcript.text = trimmed(completed.transcript);
    transcript.is_final = true;
    transcript.speech_final = item.ended_by_vad;
    if (item.start_ms) transcript.start_ms = call_ms(*item.start_ms);
    if (item.end) transcript.end_ms = ms_of(*item.end);
    // A silent item says nothing, unless it answers finalize().
    if (transcript.text.empty() && !answer_pending_) return;
    answer_pending_ = false;
    delivery()->transcript(transcript);
  }

  void handle(const TranscriptionItemFailed& failed) {
    spdlog::warn("openai_transcribe: call {}: no transcript for item {}: {}", call_id(),
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
      spdlog::debug("openai_transcribe: call {}: {}", call_id(), error.message);
      if (!commits_.empty()) commits_.pop_front();
      if (answer_pending_ && items_.empty()) answer_empty();
      return;
    }
    const auto failure = transcribe_server_error(error.type, error.code, error.message);
    if (!failure.retryable) {
      fail(failure.message);
      return;
    }
    // The server will not recover this socket: drop it and try again.
    if (const auto dropped = release_socket()) dropped->abort();
    retry_or_fail(socket_failure(failure));
  }

  void handle(const TranscriptionOther& other) {
    spdlog::debug("openai_transcribe: call {}: ignoring a {} event", call_id(), other.type);
  }

  void handle(const TranscriptionMalformed& malformed) {
    fail(transcribe_malformed(malformed.detail).message);
  }

  void answer_empty() {
    answer_pending_ = false;
    Transcript answer;
    answer.is_final = true;
    delivery()->transcript(answer);
  }

  void speech_ended() {
    if (std::exchange(speech_open_, false)) delivery()->speech_ended();
  }

  std::shared_ptr<const OpenAiTranscribeConfig> config_;
  std::string language_;  // ISO 639-1, or empty
  bool answer_pending_ = false;  // finalize() waits for the next final
  bool speaking_ = false;        // the server's VAD hears speech on this socket
  bool speech_open_ = false;     // on_speech_started was delivered, on_speech_ended not yet
  std::map<std::string, Item> items_;
  std::deque<std::uint64_t> commits_;  // offsets of commits the server has not acknowledged
};

}  // namespace

void close_transcription_socket(net::WebSocket& socket) {
  if (socket.is_open()) socket.close(1000);
}

std::unique_ptr<SttStream> start_transcription_session(TranscriptionSessionSetup setup,
                                                       SttEvents events) {
  return ReplayingSttSocket::start(std::make_shared<Session>(std::move(setup), std::move(events)));
}

}  // namespace patter::providers
