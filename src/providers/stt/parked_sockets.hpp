#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <exception>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "net/websocket.hpp"
#include "net/ws_client.hpp"

namespace patter::providers {

// The text messages a parked socket of one protocol sends. Empty: none (the socket relies on
// WebSocket pings, or closes with the close handshake alone).
struct ParkedSocketMessages {
  std::string keepalive = R"({"type":"KeepAlive"})";
  std::string close = R"({"type":"CloseStream"})";
};

// Streams opened by warmup() ahead of a call, each waiting for that call's first open() on the
// same event loop. A parked socket sends its protocol's keep-alive (never audio) so the server
// keeps it, and is closed with its protocol's close message when nobody takes it within its
// lifetime.
//
// park() and take() run on the socket's loop, with that loop's clock; the registry itself is
// thread-safe.
class ParkedSockets : public std::enable_shared_from_this<ParkedSockets> {
 public:
  ParkedSockets(std::chrono::milliseconds lifetime, std::chrono::milliseconds keepalive_interval,
                ParkedSocketMessages messages = {})
      : lifetime_(lifetime), keepalive_interval_(keepalive_interval), messages_(std::move(messages)) {}
  ~ParkedSockets();
  ParkedSockets(const ParkedSockets&) = delete;
  ParkedSockets& operator=(const ParkedSockets&) = delete;

  void park(std::string key, std::shared_ptr<net::WebSocket> socket,
            std::shared_ptr<core::Clock> clock);
  // The open socket parked under `key` on `loop`, or null.
  std::shared_ptr<net::WebSocket> take(const std::string& key,
                                       const boost::asio::any_io_executor& loop);

  [[nodiscard]] std::size_t size() const;

 private:
  struct Entry;
  void keep_alive(const std::shared_ptr<Entry>& entry);
  void expire(const std::shared_ptr<Entry>& entry);

  std::chrono::milliseconds lifetime_;
  std::chrono::milliseconds keepalive_interval_;
  ParkedSocketMessages messages_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Entry>> entries_;
};

// Closes a Deepgram stream politely: CloseStream, then the close handshake.
void close_deepgram_socket(net::WebSocket& socket);

// warmup(): opens a socket with `client` and parks it under `key`; when the registry is gone by
// then, the socket is closed with `close`. Throws what connecting throws.
boost::asio::awaitable<void> open_and_park(std::shared_ptr<net::WsClient> client,
                                           net::WsConnectRequest request,
                                           std::weak_ptr<ParkedSockets> parked, std::string key,
                                           std::shared_ptr<core::Clock> clock,
                                           void (*close)(net::WebSocket&));

// Logs why `provider`'s warmup failed: the status or the kind of failure, never the URL.
void log_warmup_failure(std::string_view provider, const std::exception_ptr& error);

}  // namespace patter::providers
