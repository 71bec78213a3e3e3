#include "providers/stt/deepgram_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <variant>

#include "providers/stt/deepgram_failure.hpp"
#include "providers/stt/deepgram_messages.hpp"
#include "providers/stt/parked_sockets.hpp"
#include "providers/stt/replaying_stt_socket.hpp"

namespace patter::providers {

namespace {

constexpr std::string_view kKeepAlive = R"({"type":"KeepAlive"})";
constexpr std::string_view kFinalize = R"({"type":"Finalize"})";

SttKeepAlive keep_alive(const DeepgramConfig& config) {
  return {std::string(kKeepAlive), config.keepalive_interval};
}

// One live stream: Deepgram's messages on the shared replaying socket.
class Session final : public ReplayingSttSocket {
 public:
  Session(DeepgramSessionSetup setup, SttEvents events)
      : ReplayingSttSocket(take_socket_setup("deepgram", setup, keep_alive(*setup.config)),
                           std::move(events)) {}

 private:
  SocketFailure handshake_failure(const net::WsHandshakeError& error) override {
    return socket_failure(failure_from_handshake(error.status(), error.body()));
  }
  SocketFailure client_failure(const net::ClientError& error) override {
    return socket_failure(failure_from_client_error(error));
  }
  SocketFailure unexpected_failure(std::string_view what) override {
    return socket_failure(providers::unexpected_failure(what));
  }
  std::optional<SocketFailure> closed_by_server(const net::CloseInfo& info) override {
    return socket_failure(failure_from_close(info.code, info.reason));
  }
  void close_socket(net::WebSocket& socket) override { close_deepgram_socket(socket); }

  void finalize() override {
    if (!socket()) {
      defer_finalize();
      return;
    }
    socket()->send_text(std::string(kFinalize));
  }

  // The replay is heard again from the start: an interim of the old socket means nothing now.
  void before_replay() override { interim_.reset(); }

  void after_replay() override {
    if (take_deferred_finalize()) socket()->send_text(std::string(kFinalize));
  }

  void on_message(const net::WsMessage& message) override {
    if (message.binary) return;
    std::visit([this](const auto& decoded) { handle(decoded); },
               parse_deepgram_message(message.data));
  }

  // Seconds of this socket's stream as milliseconds of the whole call's audio.
  [[nodiscard]] double call_ms(double stream_seconds) const {
    return (static_cast<double>(base()) / bytes_per_second() + stream_seconds) * 1000.0;
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
      delivery()->transcript(transcript);
      return;
    }
    // A final covers the stream up to its end: that audio is never replayed.
    acknowledge(base() + sample_aligned((results.start + results.duration) * bytes_per_second()));
    reset_failures();
    interim_.reset();
    // An UtteranceEnd already turned the interim of these words into a final.
    const bool repeated =
        has_text && transcript.end_ms && *transcript.end_ms <= delivered_until_ms_;
    if (repeated || (!has_text && !results.from_finalize)) {
      if (repeated && results.from_finalize) {
        // finalize() still gets its answer, without the words again.
        Transcript answer;
        answer.is_final = true;
        delivery()->transcript(answer);
      }
      if (results.speech_final) speech_ended();
      return;
    }
    if (transcript.end_ms) delivered_until_ms_ = std::max(delivered_until_ms_, *transcript.end_ms);
    if (has_text) heard_speech_ = true;
    delivery()->transcript(transcript);
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
      delivery()->transcript(transcript);
    }
    speech_ended();
  }

  void handle(const DeepgramSpeechStarted& /*started*/) {
    heard_speech_ = true;
    delivery()->speech_started();
  }

  void handle(const DeepgramMetadata& metadata) {
    spdlog::debug("deepgram: call {}: request {} processed {:.2f} s of audio", call_id(),
                  metadata.request_id, metadata.duration);
  }

  void handle(const DeepgramServerError& error) { fail(server_error(error.message).message); }
  void handle(const DeepgramMalformed& malformed) {
    fail(malformed_message(malformed.detail).message);
  }
  void handle(const DeepgramOther& other) {
    spdlog::debug("deepgram: call {}: ignoring a {} message", call_id(), other.type);
  }

  void speech_ended() {
    if (std::exchange(heard_speech_, false)) delivery()->speech_ended();
  }

  std::optional<Transcript> interim_;  // the latest interim not yet followed by a final
  double delivered_until_ms_ = -1.0;   // end of the last word delivered in a final
  bool heard_speech_ = false;          // since the last end of speech was reported
};

}  // namespace

std::unique_ptr<SttStream> start_deepgram_session(DeepgramSessionSetup setup, SttEvents events) {
  return ReplayingSttSocket::start(std::make_shared<Session>(std::move(setup), std::move(events)));
}

}  // namespace patter::providers
