#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace patter::fakes {

using FakeHeaders = std::vector<std::pair<std::string, std::string>>;

// A request as the fake received it (HTTP requests and WebSocket handshakes alike).
struct FakeRequest {
  std::uint64_t connection_id = 0;  // same id: same TCP connection
  std::string method;
  std::string target;  // as sent, path plus query
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;  // percent-decoded
  FakeHeaders headers;
  std::string body;
  bool websocket = false;

  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
};

// Case-insensitive header lookup; the first match wins.
std::optional<std::string> find_header(const FakeHeaders& headers, std::string_view name);

// Content-Type text/event-stream and Cache-Control no-cache, for SSE responses.
FakeHeaders sse_headers();

struct FakeResponse {
  int status = 200;
  FakeHeaders headers;
  std::string body;
};

struct FakeWsMessage {
  std::uint64_t connection_id = 0;
  bool binary = false;
  std::string data;
};

}  // namespace patter::fakes
