#include "net/http_client_pool.hpp"

#include "net/http_client_connection.hpp"

namespace patter::net {

HttpClientPool::HttpClientPool(std::size_t max_idle_per_origin,
                               std::chrono::milliseconds idle_expiry, const core::Clock* clock)
    : max_idle_per_origin_(max_idle_per_origin), idle_expiry_(idle_expiry), clock_(clock) {}

HttpClientPool::~HttpClientPool() = default;

core::TimePoint HttpClientPool::now() const {
  if (clock_ != nullptr) return clock_->now();
  return std::chrono::time_point_cast<core::Duration>(std::chrono::steady_clock::now());
}

void HttpClientPool::drop_expired() {
  const auto current = now();
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& connections = it->second;
    while (!connections.empty() && current - connections.front().since >= idle_expiry_) {
      connections.front().connection->close();
      connections.pop_front();
    }
    it = connections.empty() ? idle_.erase(it) : std::next(it);
  }
}

std::unique_ptr<detail::HttpClientConnection> HttpClientPool::take(const std::string& origin) {
  drop_expired();
  const auto found = idle_.find(origin);
  if (found == idle_.end()) return nullptr;
  auto& connections = found->second;
  std::unique_ptr<detail::HttpClientConnection> usable;
  while (!connections.empty() && !usable) {
    auto candidate = std::move(connections.back().connection);
    connections.pop_back();
    if (candidate->usable_after_idle()) {
      usable = std::move(candidate);
    } else {
      candidate->close();
    }
  }
  if (connections.empty()) idle_.erase(found);
  return usable;
}

void HttpClientPool::give_back(std::unique_ptr<detail::HttpClientConnection> connection) {
  drop_expired();
  auto& connections = idle_[connection->origin()];
  if (connections.size() >= max_idle_per_origin_) {
    connection->close();
    if (connections.empty()) idle_.erase(connection->origin());
    return;
  }
  connections.push_back({std::move(connection), now()});
}

std::size_t HttpClientPool::idle_count() const {
  std::size_t count = 0;
  for (const auto& [origin, connections] : idle_) count += connections.size();
  return count;
}

std::size_t HttpClientPool::idle_count(const std::string& origin) const {
  const auto found = idle_.find(origin);
  return found == idle_.end() ? 0 : found->second.size();
}

}  // namespace patter::net
