#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <patter/audio_format.hpp>
#include <patter/providers.hpp>

#include "core/clock.hpp"
#include "net/websocket.hpp"
#include "net/ws_client.hpp"
#include "providers/stt/audio_replay_buffer.hpp"
#include "providers/stt/stt_connection.hpp"
#include "providers/stt/stt_delivery.hpp"

namespace patter::providers {

// Why a socket could not go on, as a protocol's failure mapping says.
struct SocketFailure {
  std::string message;
  bool retryable = false;
  std::optional<std::chrono::milliseconds> retry_after;  // the least wait the server asked for
};

// Any provider failure (SttFailure, TranscribeFailure) as a SocketFailure.
template <typename Failure>
SocketFailure socket_failure(const Failure& failure) {
  if constexpr (requires { failure.retry_after; }) {
    return {failure.message, failure.retryable, failure.retry_after};
  } else {
    return {failure.message, failure.retryable, std::nullopt};
  }
}

// A text message that keeps a quiet socket open.
struct SttKeepAlive {
  std::string message;
  std::chrono::milliseconds interval{};
};

// What the shared socket takes from a session's setup and config.
struct ReplayingSttSocketSetup {
  std::string_view provider;  // the log prefix, e.g. "deepgram"
  SttConnection connection;
  AudioFormat input_format;
  std::chrono::milliseconds replay_window{};
  int reconnect_attempts = 0;
  std::chrono::milliseconds reconnect_backoff{};
  // Sent when its interval passes with nothing sent, if the protocol has one.
  std::optional<SttKeepAlive> keepalive;
};

// Moves the connection out of a provider's session setup (which keeps its config) and takes the
// replay and reconnect settings from that config.
template <typename SessionSetup>
ReplayingSttSocketSetup take_socket_setup(std::string_view provider, SessionSetup& setup,
                                          std::optional<SttKeepAlive> keepalive) {
  const auto& config = *setup.config;
  return {.provider = provider,
          .connection = std::move(static_cast<SttConnection&>(setup)),
          .input_format = config.input_format,
          .replay_window = config.replay_window,
          .reconnect_attempts = config.reconnect_attempts,
          .reconnect_backoff = config.reconnect_backoff,
          .keepalive = std::move(keepalive)};
}

// One speech-to-text stream over a WebSocket that survives drops: it keeps the audio no final
// has covered yet in a replay ring, takes the parked socket on its first attempt (or connects),
// replays the ring on every new socket and reports audio_replayed, keeps a quiet socket alive,
// ignores whatever old sockets still say, and reconnects with exponential backoff on the clock
// until reconnect_attempts failures in a row fail the stream (at once when a failure is not
// retryable).
//
// A provider's session derives from it and supplies its protocol: how failures map, how audio
// and finalize go out, how messages are read, what a new socket forgets. Everything runs on
// the loop; start() hands out the thread-safe SttStream.
class ReplayingSttSocket : public std::enable_shared_from_this<ReplayingSttSocket> {
 public:
  ReplayingSttSocket(ReplayingSttSocketSetup setup, SttEvents events);
  virtual ~ReplayingSttSocket() = default;
  ReplayingSttSocket(const ReplayingSttSocket&) = delete;
  ReplayingSttSocket& operator=(const ReplayingSttSocket&) = delete;

  // Makes the first attempt on the loop and returns the stream's handle (whose methods may be
  // called from any thread; they hop to the loop).
  static std::unique_ptr<SttStream> start(std::shared_ptr<ReplayingSttSocket> socket);

  [[nodiscard]] const boost::asio::any_io_executor& loop() const { return setup_.connection.loop; }
  [[nodiscard]] const std::shared_ptr<SttDelivery>& delivery() const { return delivery_; }

  // The stream's push_audio(), finalize() and close(), on the loop.
  void on_audio(std::string bytes);
  void on_finalize();
  void shut_down();

 protected:
  // Failure mapping of a connection attempt and of a close the server chose.
  virtual SocketFailure handshake_failure(const net::WsHandshakeError& error) = 0;
  virtual SocketFailure client_failure(const net::ClientError& error) = 0;
  virtual SocketFailure unexpected_failure(std::string_view what) = 0;
  // Called with the socket already dropped. Nothing means: wait, and connect again when audio
  // or finalize() comes.
  virtual std::optional<SocketFailure> closed_by_server(const net::CloseInfo& info) = 0;
  // Ends a socket politely, the protocol's way.
  virtual void close_socket(net::WebSocket& socket) = 0;

  // A message of the current socket.
  virtual void on_message(const net::WsMessage& message) = 0;
  // A message of the current socket after shut_down(); ignored unless overridden.
  virtual void on_message_while_closing(net::WebSocket& socket, const net::WsMessage& message);
  // finalize() of the stream, while neither closing nor failed.
  virtual void finalize() = 0;

  // A new socket is set: forget what the old one said and send any setup, before the replay.
  virtual void before_replay() {}
  // The replay is out.
  virtual void after_replay() {}
  // Sends the ring's audio past sent_until() to a new socket: in 200 ms pieces by default.
  virtual void send_replay();
  // Sends audio pushed while a socket is open: as it came by default.
  virtual void send_live(std::string bytes);
  // Puts audio on the wire: a binary message by default.
  virtual void write_audio(net::WebSocket& socket, std::string bytes);
  // shut_down() of a stream: by default the socket is closed politely and dropped.
  virtual void end_stream();
  // Cancels the protocol's own timers when the stream shuts down or fails.
  virtual void cancel_timers() {}

  // Counts `bytes` as sent audio and writes them.
  void transmit(std::string bytes);
  // finalize() came with no socket open: after_replay() of the next socket finds it.
  void defer_finalize();
  [[nodiscard]] bool take_deferred_finalize();
  // Gives up the current socket (its reader delivers nothing more) and returns it.
  std::shared_ptr<net::WebSocket> release_socket();
  void retry_or_fail(const SocketFailure& failure);
  void fail(const std::string& message);
  // Audio before `offset` of the call is covered by a final: it is never replayed.
  void acknowledge(std::uint64_t offset);
  // A final came: the next drop starts the backoff afresh.
  void reset_failures() { failures_ = 0; }

  // `bytes` rounded to a whole byte count of whole samples, never negative.
  [[nodiscard]] std::uint64_t sample_aligned(double bytes) const;
  [[nodiscard]] double ms_of(std::uint64_t bytes) const {
    return static_cast<double>(bytes) * 1000.0 / bytes_per_second_;
  }

  [[nodiscard]] const std::shared_ptr<net::WebSocket>& socket() const { return socket_; }
  [[nodiscard]] const AudioReplayBuffer& ring() const { return ring_; }
  // The call-audio offset of the current socket's first byte.
  [[nodiscard]] std::uint64_t base() const { return base_; }
  // Audio before this offset went to some socket.
  [[nodiscard]] std::uint64_t sent_until() const { return sent_until_; }
  void set_sent_until(std::uint64_t offset) { sent_until_ = offset; }
  [[nodiscard]] double bytes_per_second() const { return bytes_per_second_; }
  [[nodiscard]] const std::string& call_id() const { return setup_.connection.call_id; }
  [[nodiscard]] core::Clock& clock() const { return *setup_.connection.clock; }
  // When audio or a keep-alive last went out.
  [[nodiscard]] core::TimePoint last_sent() const { return last_sent_; }

 private:
  void connect();
  static boost::asio::awaitable<void> attempt(std::shared_ptr<ReplayingSttSocket> self);
  void connected(std::shared_ptr<net::WebSocket> socket);
  static boost::asio::awaitable<void> read(std::shared_ptr<ReplayingSttSocket> self,
                                           std::shared_ptr<net::WebSocket> socket,
                                           std::uint64_t generation);
  void arm_keepalive();

  ReplayingSttSocketSetup setup_;
  std::shared_ptr<SttDelivery> delivery_;
  AudioReplayBuffer ring_;
  double bytes_per_second_;

  std::shared_ptr<net::WebSocket> socket_;  // null while connecting or waiting
  std::uint64_t generation_ = 0;            // counts sockets; a stale reader stops delivering
  std::uint64_t base_ = 0;
  std::uint64_t acked_ = 0;  // audio before this offset is covered by finals
  std::uint64_t sent_until_ = 0;
  int failures_ = 0;  // connection failures since the last final
  bool tried_parked_ = false;
  bool waiting_ = false;  // the server closed the socket; audio or finalize() connects again
  bool finalize_pending_ = false;
  bool closing_ = false;
  bool failed_ = false;
  bool warned_overflow_ = false;
  core::TimePoint last_sent_{};
  core::Timer keepalive_;
  core::Timer retry_;
};

}  // namespace patter::providers
