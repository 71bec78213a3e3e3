#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace patter::net {

enum class ClientErrorKind {
  invalid_request,
  connect_failed,
  connect_timeout,
  tls_failed,
  read_timeout,
  total_timeout,
  connection_closed,
  protocol_error,
  body_too_large,
  handshake_rejected,
  cancelled,
};

std::string_view to_string(ClientErrorKind kind);

// A failed outgoing HTTP or WebSocket exchange. Messages name the peer and the phase but
// never a header value, so credentials cannot leak into logs.
class ClientError : public std::runtime_error {
 public:
  ClientError(ClientErrorKind kind, const std::string& message)
      : std::runtime_error(std::string(to_string(kind)) + ": " + message), kind_(kind) {}

  [[nodiscard]] ClientErrorKind kind() const { return kind_; }

 private:
  ClientErrorKind kind_;
};

}  // namespace patter::net
