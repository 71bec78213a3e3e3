#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace patter::load {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// A blocking GET to http://127.0.0.1:{port}{path}, with `Authorization: Bearer {token}` when a
// token is given. Throws on connection failures and when `limit` passes.
HttpAnswer http_get(std::uint16_t port, const std::string& path, const std::string& token,
                    std::chrono::milliseconds limit);

}  // namespace patter::load
