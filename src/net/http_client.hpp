#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "net/client_error.hpp"
#include "net/url.hpp"

namespace patter::net {

class TlsClientContext;

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; the first match wins.
std::optional<std::string> find_header(const HeaderList& headers, std::string_view name);

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;  // Host, User-Agent and Content-Length are added when missing
  std::string body;
  // Overrides HttpClientOptions::total_timeout for this exchange (streams included).
  std::optional<std::chrono::milliseconds> total_timeout;
};

// A request with a JSON body (already serialized) and its Content-Type.
HttpClientRequest json_request(std::string method, std::string url, std::string json_body);
// A POST with an application/x-www-form-urlencoded body.
HttpClientRequest form_request(std::string url, const QueryParams& fields);

struct HttpClientResponse {
  int status = 0;
  HeaderList headers;
  std::string body;

  [[nodiscard]] bool ok() const { return status >= 200 && status < 300; }
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};    // DNS + TCP + TLS
  std::chrono::milliseconds total_timeout{std::chrono::seconds(60)};      // whole exchange
  std::chrono::milliseconds idle_read_timeout{std::chrono::seconds(30)};  // silence while reading
  std::size_t max_idle_per_origin = 8;
  std::chrono::milliseconds pool_idle_expiry{std::chrono::seconds(60)};
  std::size_t max_body_bytes =
      std::size_t{64} * 1024 * 1024;  // request() only; streams are unbounded
  std::string user_agent = "patter/0.1";
  // Null: a context trusting the system store is made on first https use.
  std::shared_ptr<TlsClientContext> tls;
  // Time source for pool expiry; null means the steady clock. Tests pass a ManualClock.
  const core::Clock* clock = nullptr;
};

class HttpClientPool;

// A response whose body is read piece by piece as it arrives (SSE, chunked audio).
// Use it on the client's executor. Destroying it mid-body closes the connection; a body read
// to its end returns the connection to the pool.
class HttpResponseStream {
 public:
  struct State;
  explicit HttpResponseStream(std::unique_ptr<State> state);
  HttpResponseStream(HttpResponseStream&&) noexcept;
  HttpResponseStream& operator=(HttpResponseStream&&) noexcept;
  ~HttpResponseStream();

  [[nodiscard]] int status() const;
  [[nodiscard]] const HeaderList& headers() const;
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const {
    return find_header(headers(), name);
  }

  // The next piece of body, or nullopt at the end of the body or once cancelled.
  // Throws ClientError on timeouts and on a connection that drops mid-body.
  boost::asio::awaitable<std::optional<std::string>> next_chunk();
  // Reads the rest of the body; throws ClientError(body_too_large) beyond max_bytes.
  boost::asio::awaitable<std::string> read_all(std::size_t max_bytes);

  // Stops delivery at once: a pending next_chunk() and every later one return nullopt.
  void cancel();
  [[nodiscard]] bool cancelled() const;

 private:
  std::unique_ptr<State> state_;
};

// HTTP/1.1 client with a keep-alive pool per (scheme, host, port). Not thread-safe: make one
// per event loop and call it only from coroutines running on that loop's executor.
class HttpClient {
 public:
  HttpClient(boost::asio::any_io_executor executor, HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request and reads the whole response (any status; only failures throw).
  boost::asio::awaitable<HttpClientResponse> request(HttpClientRequest request);
  // Sends the request and returns once the status and headers have arrived.
  boost::asio::awaitable<HttpResponseStream> stream(HttpClientRequest request);
  // Opens (DNS + TCP + TLS) a pooled connection to the URL's origin without sending anything.
  boost::asio::awaitable<void> warmup(std::string url);

  [[nodiscard]] std::size_t idle_connections() const;
  [[nodiscard]] const HttpClientOptions& options() const { return options_; }

 private:
  boost::asio::awaitable<HttpResponseStream> start_exchange(const HttpClientRequest& request);
  std::shared_ptr<TlsClientContext> tls_context();

  boost::asio::any_io_executor executor_;
  HttpClientOptions options_;
  std::shared_ptr<HttpClientPool> pool_;
};

}  // namespace patter::net
