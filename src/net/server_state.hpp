#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_server.hpp"

namespace patter::net::detail {

// What the server may ask of one connection. Fields other than executor are touched only on
// that executor.
struct ConnectionControl {
  explicit ConnectionControl(boost::asio::any_io_executor ex) : executor(std::move(ex)) {}

  boost::asio::any_io_executor executor;
  bool stopping = false;
  bool handling_request = false;
  std::function<void()> close_transport;  // drops the TCP connection; empty after an upgrade
  std::shared_ptr<WebSocket> websocket;   // set once upgraded
};

// State shared by the acceptor and every connection; outlives both through shared_ptr.
class ServerState {
 public:
  ServerState(Router& router, ServerOptions options);

  Router& router;
  const ServerOptions options;

  void log(std::string_view line) const;

  void add_connection(const std::shared_ptr<ConnectionControl>& connection);
  void remove_connection(const ConnectionControl* connection);
  [[nodiscard]] std::vector<std::shared_ptr<ConnectionControl>> connections() const;
  [[nodiscard]] std::size_t connection_count() const;
  // Waits until no connection is left or the deadline passes; true if none is left.
  bool wait_for_no_connections(std::chrono::steady_clock::time_point deadline) const;

  // Reserves a WebSocket slot for this IP; false when the per-IP limit is reached.
  bool try_reserve_websocket(const std::string& ip);
  void release_websocket(const std::string& ip);
  [[nodiscard]] std::size_t websocket_count() const { return websockets_.load(); }

  std::atomic<bool> stopping{false};

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable all_closed_;
  std::map<const ConnectionControl*, std::weak_ptr<ConnectionControl>> connections_;
  std::map<std::string, std::size_t> websockets_per_ip_;
  std::atomic<std::size_t> websockets_{0};
};

}  // namespace patter::net::detail
