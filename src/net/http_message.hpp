#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace patter::net {

// Decoded name/value pairs in arrival order; repeated names are kept.
using NameValuePairs = std::vector<std::pair<std::string, std::string>>;

// Header fields in arrival order with case-insensitive lookup by name.
class HttpHeaders {
 public:
  void add(std::string name, std::string value);
  // Replaces every field with this name by one field.
  void set(std::string name, std::string value);
  void erase(std::string_view name);
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  [[nodiscard]] bool contains(std::string_view name) const { return get(name).has_value(); }

  [[nodiscard]] auto begin() const { return fields_.begin(); }
  [[nodiscard]] auto end() const { return fields_.end(); }
  [[nodiscard]] std::size_t size() const { return fields_.size(); }

 private:
  NameValuePairs fields_;
};

// Thrown by request helpers (and by handlers) to answer with a status and {"error": message}.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  [[nodiscard]] int status() const { return status_; }

 private:
  int status_;
};

struct HttpRequest {
  std::string method;  // upper case as sent, e.g. "GET"
  std::string target;  // raw request target, e.g. "/calls/abc?limit=10"
  std::string path;    // percent-decoded path, e.g. "/calls/abc"
  std::vector<std::string> path_segments;  // decoded segments of the path, without empty ones
  NameValuePairs query;                    // decoded query parameters
  HttpHeaders headers;
  std::string body;
  NameValuePairs path_params;  // values of the route's {param} segments
  std::string remote_address;  // peer IP address

  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
    return headers.get(name);
  }
  // First value of a query parameter.
  [[nodiscard]] std::optional<std::string_view> query_param(std::string_view name) const;
  // Value of a {name} route segment, or empty if the route has none.
  [[nodiscard]] std::string_view path_param(std::string_view name) const;
  // Body as application/x-www-form-urlencoded; throws HttpError(400) if malformed.
  [[nodiscard]] NameValuePairs form() const;
  // Body as JSON; throws HttpError(400) naming the parse error if malformed.
  [[nodiscard]] boost::json::value json() const;
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;

  static HttpResponse json(const boost::json::value& value, int status = 200);
  static HttpResponse text(std::string body, int status = 200,
                           std::string content_type = "text/plain; charset=utf-8");
  // {"error": message} with the given status.
  static HttpResponse error(int status, std::string_view message);
};

// Parses a request target ("/path?query") into path, path_segments and query of the request;
// throws HttpError(400) if the target is not a valid origin-form.
void parse_request_target(HttpRequest& request);

// Decodes an application/x-www-form-urlencoded string ('+' is a space).
NameValuePairs parse_form_urlencoded(std::string_view text);

}  // namespace patter::net
