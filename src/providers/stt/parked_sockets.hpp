#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "net/websocket.hpp"

namespace patter::providers {

// Streams opened by warmup() ahead of a call, each waiting for that call's first open() on the
// same event loop. A parked socket sends KeepAlive (never audio) so the server keeps it, and is
// closed when nobody takes it within its lifetime.
//
// park() and take() run on the socket's loop, with that loop's clock; the registry itself is
// thread-safe.
class ParkedSockets : public std::enable_shared_from_this<ParkedSockets> {
 public:
  ParkedSockets(std::chrono::milliseconds lifetime, std::chrono::milliseconds keepalive_interval)
      : lifetime_(lifetime), keepalive_interval_(keepalive_interval) {}
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
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Entry>> entries_;
};

// Closes a Deepgram stream politely: CloseStream, then the close handshake.
void close_deepgram_socket(net::WebSocket& socket);

}  // namespace patter::providers
