#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace patter::core {

// One vocabulary of failures for the whole runtime. Each code maps to the HTTP status a
// server answers with, the WebSocket close code a socket closes with and the exit code the
// CLI returns, so a failure reads the same wherever it surfaces.
enum class Errc {
  bad_request = 1,     // malformed input from a peer (webhook, frame, message)
  unauthorized,        // a client presented no or invalid credentials
  forbidden,           // a signature did not match
  not_found,
  method_not_allowed,
  conflict,
  payload_too_large,
  headers_too_large,
  rate_limited,
  timeout,
  unavailable,         // something this request needs is not configured or not reachable
  upstream_error,      // a provider or carrier failed
  upstream_auth,       // a provider or carrier rejected our credentials
  config_invalid,      // configuration file or option is wrong
  missing_credential,  // a credential the configuration needs is not set
  protocol_error,      // a peer broke the wire protocol
  invalid_utf8,
  message_too_big,
  policy_violation,
  cancelled,
  shutting_down,
  internal,
};

[[nodiscard]] std::string_view errc_name(Errc code);
[[nodiscard]] int http_status(Errc code);
[[nodiscard]] std::uint16_t ws_close_code(Errc code);
[[nodiscard]] int exit_code(Errc code);

[[nodiscard]] const std::error_category& patter_category();
[[nodiscard]] std::error_code make_error_code(Errc code);

// The exception thrown across the runtime; what() is a message meant for the user.
class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] Errc code() const { return code_; }

 private:
  Errc code_;
};

}  // namespace patter::core

template <>
struct std::is_error_code_enum<patter::core::Errc> : std::true_type {};
