#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "net/http_message.hpp"

namespace patter::net {

class WebSocket;

// The body of a streamed response (Server-Sent Events): chunked transfer, one chunk per write.
// Writes are awaited one at a time, so a slow client holds at most one chunk in memory; a
// client that does not take a chunk within the server's write timeout is dropped.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Sends the status line and headers; optional, write() sends 200 text/event-stream first.
  virtual boost::asio::awaitable<bool> begin(int status = 200, HttpHeaders headers = {}) = 0;
  // False once the client has gone, was too slow, or the server is stopping.
  virtual boost::asio::awaitable<bool> write(std::string chunk) = 0;
  [[nodiscard]] virtual bool is_open() const = 0;
};

using HttpHandler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest&)>;
using StreamHandler = std::function<boost::asio::awaitable<void>(HttpRequest&, ResponseStream&)>;
// Runs before a WebSocket upgrade; a returned response (401, 403, ...) rejects the upgrade.
using UpgradeCheck =
    std::function<boost::asio::awaitable<std::optional<HttpResponse>>(const HttpRequest&)>;
using WebSocketHandler =
    std::function<boost::asio::awaitable<void>(HttpRequest&, std::shared_ptr<WebSocket>)>;

struct WebSocketRoute {
  WebSocketHandler handler;
  UpgradeCheck check;  // may be empty
};

struct Route {
  std::string method;
  std::vector<std::string> segments;  // literal segments, or "{name}" for a parameter
  std::variant<HttpHandler, StreamHandler, WebSocketRoute> target;
};

struct RouteMatch {
  enum class Outcome { found, not_found, method_not_allowed, upgrade_required };
  Outcome outcome = Outcome::not_found;
  const Route* route = nullptr;
  NameValuePairs params;
  std::string allow;  // for method_not_allowed: the methods the path accepts, comma separated
};

// Routes by method and path pattern ("/ws/stream/{call_id}"). Routes are added before the
// server starts and only read afterwards, so matching needs no locking.
class Router {
 public:
  void add(std::string method, std::string_view pattern, HttpHandler handler);
  void get(std::string_view pattern, HttpHandler handler) { add("GET", pattern, std::move(handler)); }
  void post(std::string_view pattern, HttpHandler handler) { add("POST", pattern, std::move(handler)); }
  void add_stream(std::string method, std::string_view pattern, StreamHandler handler);
  void add_websocket(std::string_view pattern, WebSocketHandler handler, UpgradeCheck check = {});

  // websocket_upgrade: the request asks for a WebSocket; only WebSocket routes answer it, and
  // a plain request to a WebSocket route gets upgrade_required.
  [[nodiscard]] RouteMatch match(std::string_view method, const std::vector<std::string>& path_segments,
                                 bool websocket_upgrade) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace patter::net
