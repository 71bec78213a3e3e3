#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "fakes/fake_messages.hpp"

namespace patter::fakes {

// What a fake server saw, readable from the test thread while the server runs.
class FakeServerLog {
 public:
  [[nodiscard]] std::vector<FakeRequest> requests() const;
  [[nodiscard]] std::vector<FakeWsMessage> websocket_messages() const;
  [[nodiscard]] std::size_t connections_accepted() const;
  // The SNI host name of each TLS handshake, "" for a handshake without one.
  [[nodiscard]] std::vector<std::string> tls_server_names() const;
  // Exceptions that escaped route handlers, and TLS handshakes that failed.
  [[nodiscard]] std::vector<std::string> errors() const;

  // Blocks until at least `count` requests were logged or `timeout` passed.
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;
  bool wait_for_websocket_messages(std::size_t count, std::chrono::milliseconds timeout) const;

  void record_connection();
  void record_request(FakeRequest request);
  void record_websocket_message(FakeWsMessage message);
  void record_tls_server_name(std::string name);
  void record_error(std::string error);

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<FakeRequest> requests_;
  std::vector<FakeWsMessage> websocket_messages_;
  std::vector<std::string> tls_server_names_;
  std::vector<std::string> errors_;
  std::size_t connections_ = 0;
};

}  // namespace patter::fakes
