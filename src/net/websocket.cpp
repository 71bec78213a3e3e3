#include "net/websocket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>

namespace patter::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::uint16_t kNoStatusReceived = 1005;
constexpr std::uint16_t kAbnormalClosure = 1006;
constexpr std::size_t kMaxCloseReasonBytes = 123;

// Cuts a close reason to the protocol limit without splitting a UTF-8 sequence.
std::string fit_close_reason(std::string reason) {
  if (reason.size() <= kMaxCloseReasonBytes) return reason;
  std::size_t cut = kMaxCloseReasonBytes;
  while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
  reason.resize(cut);
  return reason;
}

// The close code Beast sent when it failed a read because of the peer's misbehaviour.
CloseInfo close_info_for_read_error(const boost::system::error_code& ec) {
  if (ec == websocket::error::message_too_big) return {1009, "message too big"};
  if (ec == websocket::error::bad_frame_payload) return {1007, "invalid frame payload"};
  if (ec == websocket::condition::protocol_violation) return {1002, "protocol error"};
  if (ec == beast::error::timeout) return {kAbnormalClosure, "idle timeout"};
  return {kAbnormalClosure, ec.message()};
}

websocket::stream_base::timeout beast_timeouts(const WebSocketOptions& options) {
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = options.close_timeout;
  timeouts.idle_timeout = options.idle_timeout.count() > 0
                              ? beast::websocket::stream_base::duration(options.idle_timeout)
                              : websocket::stream_base::none();
  timeouts.keep_alive_pings = options.keepalive_pings;
  return timeouts;
}

template <class NextLayer>
class BeastWebSocket final : public WebSocket {
 public:
  BeastWebSocket(websocket::stream<NextLayer> stream, WebSocketOptions options)
      : ws_(std::move(stream)), options_(options), executor_(ws_.get_executor()) {
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(beast_timeouts(options_));
    ws_.read_message_max(options_.max_message_bytes);
  }

  asio::awaitable<std::optional<WsMessage>> receive() override {
    if (finished_) co_return std::nullopt;
    auto keep_alive_while_reading = shared_from_this();
    std::string data;
    auto buffer = asio::dynamic_buffer(data);
    auto [ec, bytes] = co_await ws_.async_read(buffer, kNoThrow);
    (void)bytes;
    if (ec) {
      finish_after_read_error(ec);
      co_return std::nullopt;
    }
    co_return WsMessage{!ws_.got_text(), std::move(data)};
  }

  bool send_text(std::string text) override { return enqueue({false, std::move(text)}); }
  bool send_binary(std::string bytes) override { return enqueue({true, std::move(bytes)}); }

  void close(std::uint16_t code, std::string reason) override {
    if (close_requested_ || finished_) return;
    close_requested_ = true;
    close_info_ = {code, fit_close_reason(std::move(reason))};
    ensure_writer();
    asio::co_spawn(executor_, abort_if_not_closed_in_time(self_pointer()), asio::detached);
  }

  void abort() override {
    if (close_info_.code == 0) close_info_ = {kAbnormalClosure, "aborted"};
    finish();
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  const CloseInfo& close_info() const override { return close_info_; }
  bool is_open() const override { return !close_requested_ && !finished_; }
  const asio::any_io_executor& get_executor() const override { return executor_; }
  std::size_t queued_bytes() const override { return queued_bytes_; }

 private:
  bool enqueue(WsMessage message) {
    if (!is_open()) return false;
    if (!make_room_for(message.data.size())) return false;
    queued_bytes_ += message.data.size();
    queue_.push_back(std::move(message));
    ensure_writer();
    return true;
  }

  // The message being written counts against the limits too.
  bool fits(std::size_t extra_bytes) const {
    return queue_.size() + (writing_ ? 1 : 0) < options_.max_queued_messages &&
           queued_bytes_ + extra_bytes <= options_.max_queued_bytes;
  }

  // Applies the overflow policy; true when the new message may be queued.
  bool make_room_for(std::size_t bytes) {
    if (fits(bytes)) return true;
    switch (options_.overflow) {
      case SendOverflow::drop_newest:
        return false;
      case SendOverflow::drop_oldest:
        while (!queue_.empty() && !fits(bytes)) {
          queued_bytes_ -= queue_.front().data.size();
          queue_.pop_front();
        }
        return fits(bytes);
      case SendOverflow::close:
        break;
    }
    discard_queue();
    close(1008, "send queue overflow");
    return false;
  }

  void discard_queue() {
    for (const auto& message : queue_) queued_bytes_ -= message.data.size();
    queue_.clear();
  }

  std::shared_ptr<BeastWebSocket> self_pointer() {
    return std::static_pointer_cast<BeastWebSocket>(shared_from_this());
  }

  void ensure_writer() {
    if (writer_running_) return;
    writer_running_ = true;
    asio::co_spawn(executor_, write_loop(self_pointer()), asio::detached);
  }

  // A write stuck behind a peer that stopped reading would hold the close frame back forever.
  static asio::awaitable<void> abort_if_not_closed_in_time(std::shared_ptr<BeastWebSocket> self) {
    asio::steady_timer deadline(self->executor_, self->options_.close_timeout);
    auto [ec] = co_await deadline.async_wait(kNoThrow);
    (void)ec;
    if (!self->finished_) self->abort();
  }

  // The only coroutine that writes: queued messages in order, then the close frame.
  static asio::awaitable<void> write_loop(std::shared_ptr<BeastWebSocket> self) {
    while (!self->finished_) {
      if (self->queue_.empty()) {
        if (self->close_requested_) co_await self->send_close();
        break;
      }
      WsMessage message = std::move(self->queue_.front());
      self->queue_.pop_front();
      self->ws_.binary(message.binary);
      self->writing_ = true;
      auto [ec, written] = co_await self->ws_.async_write(asio::buffer(message.data), kNoThrow);
      (void)written;
      self->writing_ = false;
      self->queued_bytes_ -= message.data.size();
      if (ec) {
        if (self->close_info_.code == 0) self->close_info_ = {kAbnormalClosure, ec.message()};
        self->finish();
      }
    }
    self->writer_running_ = false;
  }

  asio::awaitable<void> send_close() {
    websocket::close_reason reason(static_cast<websocket::close_code>(close_info_.code), close_info_.reason);
    auto [ec] = co_await ws_.async_close(reason, kNoThrow);
    (void)ec;
    finish();
  }

  void finish_after_read_error(const boost::system::error_code& ec) {
    if (close_info_.code == 0) {
      if (ec == websocket::error::closed) {
        const auto& peer = ws_.reason();
        const auto code = peer.code == websocket::close_code::none ? kNoStatusReceived
                                                                   : static_cast<std::uint16_t>(peer.code);
        close_info_ = {code, std::string(peer.reason.c_str())};
      } else {
        close_info_ = close_info_for_read_error(ec);
      }
    }
    finish();
  }

  void finish() {
    finished_ = true;
    discard_queue();
  }

  websocket::stream<NextLayer> ws_;
  WebSocketOptions options_;
  asio::any_io_executor executor_;
  std::deque<WsMessage> queue_;
  std::size_t queued_bytes_ = 0;
  CloseInfo close_info_;
  bool writer_running_ = false;
  bool writing_ = false;
  bool close_requested_ = false;
  bool finished_ = false;
};

}  // namespace

std::shared_ptr<WebSocket> make_websocket(websocket::stream<beast::tcp_stream> stream,
                                          WebSocketOptions options) {
  return std::make_shared<BeastWebSocket<beast::tcp_stream>>(std::move(stream), options);
}

std::shared_ptr<WebSocket> make_websocket(
    websocket::stream<asio::ssl::stream<beast::tcp_stream>> stream, WebSocketOptions options) {
  return std::make_shared<BeastWebSocket<asio::ssl::stream<beast::tcp_stream>>>(std::move(stream),
                                                                                options);
}

}  // namespace patter::net
