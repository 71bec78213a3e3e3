#include "net/server_state.hpp"

#include <spdlog/spdlog.h>

namespace patter::net::detail {

ServerState::ServerState(Router& routes, ServerOptions server_options)
    : router(routes), options(std::move(server_options)) {}

void ServerState::log(std::string_view line) const {
  if (options.log_error) {
    options.log_error(line);
  } else {
    spdlog::error("http server: {}", line);
  }
}

void ServerState::add_connection(const std::shared_ptr<ConnectionControl>& connection) {
  std::lock_guard lock(mutex_);
  connections_.emplace(connection.get(), connection);
}

void ServerState::remove_connection(const ConnectionControl* connection) {
  std::lock_guard lock(mutex_);
  connections_.erase(connection);
  if (connections_.empty()) all_closed_.notify_all();
}

std::vector<std::shared_ptr<ConnectionControl>> ServerState::connections() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<ConnectionControl>> alive;
  for (const auto& [key, weak] : connections_) {
    if (auto connection = weak.lock()) alive.push_back(std::move(connection));
  }
  return alive;
}

std::size_t ServerState::connection_count() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

bool ServerState::wait_for_no_connections(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  return all_closed_.wait_until(lock, deadline, [this] { return connections_.empty(); });
}

bool ServerState::try_reserve_websocket(const std::string& ip) {
  std::lock_guard lock(mutex_);
  auto& count = websockets_per_ip_[ip];
  if (options.max_websockets_per_ip != 0 && count >= options.max_websockets_per_ip) return false;
  ++count;
  ++websockets_;
  return true;
}

void ServerState::release_websocket(const std::string& ip) {
  std::lock_guard lock(mutex_);
  auto it = websockets_per_ip_.find(ip);
  if (it == websockets_per_ip_.end()) return;
  if (--it->second == 0) websockets_per_ip_.erase(it);
  --websockets_;
}

}  // namespace patter::net::detail
