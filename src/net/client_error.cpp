#include "net/client_error.hpp"

namespace patter::net {

std::string_view to_string(ClientErrorKind kind) {
  switch (kind) {
    case ClientErrorKind::invalid_request:
      return "invalid request";
    case ClientErrorKind::connect_failed:
      return "connect failed";
    case ClientErrorKind::connect_timeout:
      return "connect timeout";
    case ClientErrorKind::tls_failed:
      return "TLS handshake failed";
    case ClientErrorKind::read_timeout:
      return "read timeout";
    case ClientErrorKind::total_timeout:
      return "total timeout";
    case ClientErrorKind::connection_closed:
      return "connection closed";
    case ClientErrorKind::protocol_error:
      return "protocol error";
    case ClientErrorKind::body_too_large:
      return "body too large";
    case ClientErrorKind::handshake_rejected:
      return "handshake rejected";
    case ClientErrorKind::cancelled:
      return "cancelled";
  }
  return "unknown";
}

}  // namespace patter::net
