#include "net/url.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <cctype>
#include <charconv>

namespace patter::net {

namespace {

std::uint16_t default_port(std::string_view scheme) {
  return scheme == "https" || scheme == "wss" ? 443 : 80;
}

std::string percent_encode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string encode_pairs(const QueryParams& params) {
  std::string encoded;
  for (const auto& [name, value] : params) {
    if (!encoded.empty()) encoded.push_back('&');
    encoded += percent_encode(name);
    encoded.push_back('=');
    encoded += percent_encode(value);
  }
  return encoded;
}

boost::urls::url parse_absolute(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed)
    throw UrlError("invalid URL '" + std::string(url) + "': " + parsed.error().message());
  return boost::urls::url(*parsed);
}

}  // namespace

std::string Endpoint::host_header() const {
  const bool bracket = host.find(':') != std::string::npos;
  std::string value = bracket ? "[" + host + "]" : host;
  if (port != default_port(scheme)) value += ":" + std::to_string(port);
  return value;
}

std::string Endpoint::origin() const {
  return scheme + "://" + host + ":" + std::to_string(port);
}

Endpoint parse_endpoint(std::string_view url) {
  const auto parsed = parse_absolute(url);
  Endpoint endpoint;
  endpoint.scheme = parsed.scheme();
  for (auto& c : endpoint.scheme)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (endpoint.scheme != "http" && endpoint.scheme != "https" && endpoint.scheme != "ws" &&
      endpoint.scheme != "wss") {
    throw UrlError("unsupported URL scheme '" + endpoint.scheme + "' in '" + std::string(url) +
                   "'");
  }
  if (parsed.has_userinfo()) throw UrlError("URLs with user info are not supported");
  endpoint.host = parsed.host_address();
  if (endpoint.host.empty()) throw UrlError("URL '" + std::string(url) + "' has no host");
  if (parsed.has_port() && !parsed.port().empty()) {
    const std::string_view digits = parsed.port();
    unsigned port = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (error != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      throw UrlError("invalid port in URL '" + std::string(url) + "'");
    }
    endpoint.port = static_cast<std::uint16_t>(port);
  } else {
    endpoint.port = default_port(endpoint.scheme);
  }
  endpoint.target = parsed.encoded_target();
  if (endpoint.target.empty() || endpoint.target.front() != '/') endpoint.target.insert(0, "/");
  return endpoint;
}

std::string append_query(std::string_view url, const QueryParams& params) {
  auto parsed = parse_absolute(url);
  if (params.empty()) return std::string(parsed.buffer());
  std::string query = parsed.has_query() ? std::string(parsed.encoded_query()) : std::string();
  if (!query.empty()) query.push_back('&');
  query += encode_pairs(params);
  parsed.set_encoded_query(query);
  return std::string(parsed.buffer());
}

std::string form_urlencode(const QueryParams& fields) {
  return encode_pairs(fields);
}

std::string join_url(std::string_view base_url, std::string_view path) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string joined(base_url);
  joined.push_back('/');
  joined.append(path);
  return joined;
}

}  // namespace patter::net
