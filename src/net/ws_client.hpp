#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "net/client_error.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"
#include "net/websocket.hpp"

namespace patter::net {

class TlsClientContext;

struct WsConnectRequest {
  std::string url;                        // ws:// or wss://, any configurable base
  HeaderList headers;                     // e.g. Authorization: Token …
  QueryParams query;                      // appended to the URL, percent-encoded
  std::vector<std::string> subprotocols;  // Sec-WebSocket-Protocol offer, in preference order
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};    // DNS + TCP + TLS
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};  // HTTP upgrade
  WebSocketOptions options;
};

// The server answered the upgrade with a plain HTTP response (401, 403, 400, …) instead of
// 101. Carries what providers need to explain it: status, body and headers.
class WsHandshakeError : public ClientError {
 public:
  WsHandshakeError(const std::string& message, int status, std::string body, HeaderList headers)
      : ClientError(ClientErrorKind::handshake_rejected, message),
        status_(status),
        body_(std::move(body)),
        headers_(std::move(headers)) {}

  [[nodiscard]] int status() const { return status_; }
  [[nodiscard]] const std::string& body() const { return body_; }
  [[nodiscard]] const HeaderList& headers() const { return headers_; }

 private:
  int status_;
  std::string body_;
  HeaderList headers_;
};

// Opens client WebSockets. Stateless apart from the shared TLS settings, so one instance can
// serve every call; connect() runs on the calling coroutine's executor.
class WsClient {
 public:
  // Null: a context trusting the system store is made on first wss:// use.
  explicit WsClient(std::shared_ptr<TlsClientContext> tls = nullptr);

  // Resolves, connects, runs TLS (wss) and the upgrade, then wraps the socket. Throws
  // WsHandshakeError when the upgrade is refused, ClientError for every other failure.
  boost::asio::awaitable<std::shared_ptr<WebSocket>> connect(WsConnectRequest request);

 private:
  std::shared_ptr<TlsClientContext> tls_context();

  std::shared_ptr<TlsClientContext> tls_;
};

}  // namespace patter::net
