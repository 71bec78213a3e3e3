#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace patter::net {

class UrlError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Where a client connects: an absolute http, https, ws or wss URL taken apart.
struct Endpoint {
  std::string scheme;  // lower case
  std::string host;    // IPv6 literals without brackets
  std::uint16_t port = 0;
  std::string target;  // percent-encoded path and query, "/" when the URL has no path

  [[nodiscard]] bool secure() const { return scheme == "https" || scheme == "wss"; }
  // The Host header value: the port is left out when it is the scheme's default.
  [[nodiscard]] std::string host_header() const;
  // "scheme://host:port", the key of the connection pool.
  [[nodiscard]] std::string origin() const;
};

// Throws UrlError for relative URLs, other schemes, user info, or a missing host.
Endpoint parse_endpoint(std::string_view url);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Appends each name/value pair to the URL's query, percent-encoding everything outside the
// RFC 3986 unreserved set (so '+', '&', '=' and ' ' survive any server's decoding).
std::string append_query(std::string_view url, const QueryParams& params);

// application/x-www-form-urlencoded body from the fields, in order.
std::string form_urlencode(const QueryParams& fields);

// Joins a configurable base URL ("https://api.example.com/v1/") and a path ("/chat") with
// exactly one slash between them.
std::string join_url(std::string_view base_url, std::string_view path);

}  // namespace patter::net
