#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream_fwd.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace boost::asio::ssl {
template <typename Stream>
class stream;
}  // namespace boost::asio::ssl

namespace patter::net {

// What send_text/send_binary do when the bounded send queue is full.
enum class SendOverflow {
  close,        // close the socket with 1008 "send queue overflow"
  drop_oldest,  // discard queued messages, oldest first, until the new one fits
  drop_newest,  // discard the message being sent
};

struct WebSocketOptions {
  std::size_t max_message_bytes = 1 << 20;  // inbound; larger messages close with 1009
  std::size_t max_queued_messages = 512;
  std::size_t max_queued_bytes = 4 << 20;
  SendOverflow overflow = SendOverflow::close;
  // With keepalive_pings a ping goes out after half the idle time and the socket closes if
  // nothing arrives for the rest; without, the socket closes after idle_timeout of silence.
  // Zero disables the idle timeout.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  bool keepalive_pings = true;
  // How long a close may take (including queued messages still being sent) before the
  // connection is dropped.
  std::chrono::milliseconds close_timeout{std::chrono::seconds(5)};
};

struct WsMessage {
  bool binary = false;
  std::string data;
};

// Codes follow RFC 6455: the code the peer sent, or the one we sent, or 1006 when the
// connection dropped without a close handshake.
struct CloseInfo {
  std::uint16_t code = 0;
  std::string reason;
};

// A message-oriented WebSocket with a bounded send queue, for either role (accepted by
// HttpServer or connected by the WebSocket client).
//
// Threading: every member must be called on get_executor(), the executor of the underlying
// socket (a per-call io_context in patter), so no locking is needed.
//
// Reading: keep a receive() loop running for the socket's whole life; pings, pongs and the
// peer's close are processed while a receive() is pending. At most one receive() at a time.
class WebSocket : public std::enable_shared_from_this<WebSocket> {
 public:
  virtual ~WebSocket() = default;

  // Next complete message, or nullopt once the socket is closed (close_info() says why).
  virtual boost::asio::awaitable<std::optional<WsMessage>> receive() = 0;

  // Non-blocking enqueue; one writer drains the queue. False if the message was dropped by
  // the overflow policy or the socket is closing.
  virtual bool send_text(std::string text) = 0;
  virtual bool send_binary(std::string bytes) = 0;

  // Graceful and idempotent: messages already queued are sent first, then the close frame.
  virtual void close(std::uint16_t code = 1000, std::string reason = {}) = 0;
  // Drops the connection at once without a close handshake (close_info() becomes 1006 unless
  // a close code was already known).
  virtual void abort() = 0;

  [[nodiscard]] virtual const CloseInfo& close_info() const = 0;
  // True until a close was requested, received or the connection failed.
  [[nodiscard]] virtual bool is_open() const = 0;
  [[nodiscard]] virtual const boost::asio::any_io_executor& get_executor() const = 0;
  // Bytes waiting in the send queue, including the message being written.
  [[nodiscard]] virtual std::size_t queued_bytes() const = 0;
};

// Wrap a stream whose WebSocket handshake has already completed (accepted or connected).
// Sets Beast's timeouts from the options and disables the tcp_stream's own expiry.
std::shared_ptr<WebSocket> make_websocket(
    boost::beast::websocket::stream<boost::beast::tcp_stream> stream, WebSocketOptions options);
std::shared_ptr<WebSocket> make_websocket(
    boost::beast::websocket::stream<boost::asio::ssl::stream<boost::beast::tcp_stream>> stream,
    WebSocketOptions options);

}  // namespace patter::net
