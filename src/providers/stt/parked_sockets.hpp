#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "net/websocket.hpp"

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

}  // namespace patter::providers
