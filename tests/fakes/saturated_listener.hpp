#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace patter::fakes {

// A listening socket on 127.0.0.1 whose accept queue is already full, so every further
// connection attempt hangs unanswered: a bounded, loopback-only way to test connect timeouts.
class SaturatedListener {
 public:
  SaturatedListener();
  ~SaturatedListener();
  SaturatedListener(const SaturatedListener&) = delete;
  SaturatedListener& operator=(const SaturatedListener&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  // scheme://127.0.0.1:port + path
  [[nodiscard]] std::string url(std::string_view scheme, std::string_view path) const;

 private:
  int listener_ = -1;
  std::vector<int> fillers_;
  std::uint16_t port_ = 0;
};

}  // namespace patter::fakes
