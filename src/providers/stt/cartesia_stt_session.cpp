#include "providers/stt/cartesia_stt_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <utility>
#include <variant>

#include "providers/stt/cartesia_stt_failure.hpp"
#include "providers/stt/cartesia_stt_messages.hpp"
#include "providers/stt/replaying_stt_socket.hpp"

namespace patter::providers {

namespace {

constexpr std::string_view kFinalize = "finalize";
constexpr std::string_view kDone = "done";
// The close code of a policy violation: bad audio or parameters, never an idle timeout.
constexpr std::uint16_t kPolicyViolation = 1008;

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// One stream: Cartesia's messages on the shared replaying socket. A socket the server closed
// for being idle is not replaced until audio or finalize() comes.
class Session final : public ReplayingSttSocket {
 public:
  Session(CartesiaSttSessionSetup setup, SttEvents events)
      : ReplayingSttSocket(take_socket_setup("cartesia_stt", setup, std::nullopt),
                           std::move(events)),
        config_(std::move(setup.config)) {}

 private:
  SocketFailure handshake_failure(const net::WsHandshakeError& error) override {
    return socket_failure(cartesia_handshake_failure(error.status(), error.body()));
  }
  SocketFailure client_failure(const net::ClientError& error) override {
    return socket_failure(cartesia_connect_failure(error));
  }
  SocketFailure unexpected_failure(std::string_view what) override {
    return socket_failure(cartesia_unexpected_failure(what));
  }
  std::optional<SocketFailure> closed_by_server(const net::CloseInfo& info) override {
    const auto quiet = clock().now() - last_sent();
    if (info.code != kPolicyViolation && quiet >= config_->idle_close_after) {
      spdlog::debug(
          "cartesia_stt: call {}: the server closed the idle stream ({}); reconnecting "
          "when audio comes",
          call_id(), info.code);
      return std::nullopt;
    }
    return socket_failure(cartesia_close_failure(info.code, info.reason));
  }
  void close_socket(net::WebSocket& socket) override { close_cartesia_stt_socket(socket); }

  void finalize() override {
    if (!socket()) {
      defer_finalize();
      return;
    }
    send_finalize(ring().end_offset());
  }

  // A finalize the old socket never answered, or one asked for while connecting, is asked
  // again once, after the replay.
  void after_replay() override {
    if (!finalize_marks_.empty() || take_deferred_finalize()) {
      finalize_marks_.clear();
      send_finalize(ring().end_offset());
    }
  }

  void on_message(const net::WsMessage& message) override {
    if (message.binary) {
      handle(CartesiaSttMalformed{"a binary message"});
      return;
    }
    std::visit([this](const auto& decoded) { handle(decoded); },
               parse_cartesia_stt_message(message.data));
  }

  void send_finalize(std::uint64_t covered_until) {
    finalize_marks_.push_back(covered_until);
    awaiting_answer_ = true;
    socket()->send_text(std::string(kFinalize));
  }

  // Seconds of this socket's stream as milliseconds of the whole call's audio.
  [[nodiscard]] double call_ms(double stream_seconds) const {
    return (static_cast<double>(base()) / bytes_per_second() + stream_seconds) * 1000.0;
  }

  void handle(const CartesiaTranscript& message) {
    Transcript transcript;
    transcript.text = trimmed(message.text);
    transcript.is_final = message.is_final;
    if (message.first_word_start) transcript.start_ms = call_ms(*message.first_word_start);
    if (message.last_word_end) transcript.end_ms = call_ms(*message.last_word_end);
    const bool has_text = !transcript.text.empty();
    if (!message.is_final) {
      if (has_text) delivery()->transcript(transcript);
      return;
    }
    if (message.last_word_end) {
      acknowledge(base() + sample_aligned(*message.last_word_end * bytes_per_second()));
    }
    reset_failures();
    const bool repeated =
        has_text && transcript.end_ms && *transcript.end_ms <= delivered_until_ms_;
    if (!has_text || repeated) return;
    if (transcript.end_ms) delivered_until_ms_ = std::max(delivered_until_ms_, *transcript.end_ms);
    awaiting_answer_ = false;
    delivery()->transcript(transcript);
  }

  // Everything sent before the finalize it answers has been transcribed.
  void handle(const CartesiaFlushDone& /*flushed*/) {
    reset_failures();
    if (!finalize_marks_.empty()) {
      acknowledge(finalize_marks_.front());
      finalize_marks_.pop_front();
    }
    if (std::exchange(awaiting_answer_, false)) {
      // finalize() always gets a final, empty when there was nothing left to say.
      Transcript answer;
      answer.is_final = true;
      delivery()->transcript(answer);
    }
  }

  void handle(const CartesiaDone& /*done*/) {
    spdlog::debug("cartesia_stt: call {}: the server ended the stream", call_id());
  }

  void handle(const CartesiaSttError& error) {
    const auto failure = cartesia_server_error(error.message, error.status);
    if (!failure.retryable) {
      fail(failure.message);
      return;
    }
    close_cartesia_stt_socket(*release_socket());
    retry_or_fail(socket_failure(failure));
  }

  void handle(const CartesiaSttMalformed& malformed) {
    fail(cartesia_malformed_message(malformed.detail).message);
  }

  void handle(const CartesiaSttOther& other) {
    spdlog::debug("cartesia_stt: call {}: ignoring a {} message", call_id(), other.type);
  }

  std::shared_ptr<const CartesiaSttConfig> config_;
  // Call-audio offsets at each finalize sent on the socket and not yet answered.
  std::deque<std::uint64_t> finalize_marks_;
  bool awaiting_answer_ = false;      // a finalize is out and no final has come since
  double delivered_until_ms_ = -1.0;  // end of the last word delivered in a final
};

}  // namespace

void close_cartesia_stt_socket(net::WebSocket& socket) {
  if (!socket.is_open()) return;
  socket.send_text(std::string(kDone));
  socket.close(1000);
}

std::unique_ptr<SttStream> start_cartesia_stt_session(CartesiaSttSessionSetup setup,
                                                      SttEvents events) {
  return ReplayingSttSocket::start(std::make_shared<Session>(std::move(setup), std::move(events)));
}

}  // namespace patter::providers
