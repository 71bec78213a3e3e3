#pragma once

// Internal to HttpClient: idle keep-alive connections per origin, bounded and expiring.

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "core/clock.hpp"

namespace patter::net {

namespace detail {
class HttpClientConnection;
}  // namespace detail

class HttpClientPool {
 public:
  HttpClientPool(std::size_t max_idle_per_origin, std::chrono::milliseconds idle_expiry,
                 const core::Clock* clock);
  ~HttpClientPool();
  HttpClientPool(const HttpClientPool&) = delete;
  HttpClientPool& operator=(const HttpClientPool&) = delete;

  // The most recently used healthy idle connection to `origin`, or null.
  std::unique_ptr<detail::HttpClientConnection> take(const std::string& origin);
  // Keeps the connection for reuse, unless the origin already has its cap of idle ones.
  void give_back(std::unique_ptr<detail::HttpClientConnection> connection);

  [[nodiscard]] std::size_t idle_count() const;
  [[nodiscard]] std::size_t idle_count(const std::string& origin) const;

 private:
  struct Idle {
    std::unique_ptr<detail::HttpClientConnection> connection;
    core::TimePoint since;
  };
  [[nodiscard]] core::TimePoint now() const;
  void drop_expired();

  std::size_t max_idle_per_origin_;
  std::chrono::milliseconds idle_expiry_;
  const core::Clock* clock_;
  std::map<std::string, std::deque<Idle>> idle_;
};

}  // namespace patter::net
