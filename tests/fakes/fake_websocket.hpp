#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fakes/fake_messages.hpp"

namespace patter::fakes {

// The server end of one WebSocket on a fake. The handshake is answered lazily: call reject()
// first to refuse it with a plain HTTP response, otherwise the first other call (or accept())
// completes it. Messages received are also recorded in the server's log.
class FakeWebSocket {
 public:
  virtual ~FakeWebSocket() = default;

  [[nodiscard]] virtual const FakeRequest& request() const = 0;

  virtual boost::asio::awaitable<void> accept(std::string subprotocol = {}) = 0;
  virtual boost::asio::awaitable<void> reject(FakeResponse response) = 0;

  // The next message, or nullopt once the client closed (see peer_close_code()) or vanished.
  virtual boost::asio::awaitable<std::optional<FakeWsMessage>> receive() = 0;
  [[nodiscard]] virtual std::optional<std::uint16_t> peer_close_code() const = 0;

  virtual boost::asio::awaitable<void> send_text(std::string_view text) = 0;
  virtual boost::asio::awaitable<void> send_binary(std::string_view bytes) = 0;
  // Sends a close frame and waits (bounded) for the client's reply.
  virtual boost::asio::awaitable<void> close(std::uint16_t code, std::string reason = {}) = 0;

  // Bytes straight onto the connection, bypassing framing (malformed frames).
  virtual boost::asio::awaitable<void> write_raw(std::string_view bytes) = 0;
  // Drops the TCP connection without a close frame.
  virtual void disconnect() = 0;
};

}  // namespace patter::fakes
