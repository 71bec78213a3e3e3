// Feeds arbitrary bytes to the server's request path: Beast's request parser with the
// server's default limits, then conversion to HttpRequest and the form/JSON/query helpers.

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/beast_conversion.hpp"
#include "net/http_message.hpp"

namespace {

namespace http = boost::beast::http;
using patter::net::HttpError;
using patter::net::HttpRequest;

constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr std::uint64_t kMaxBodyBytes = 1 << 20;

void exercise_helpers(const HttpRequest& request) {
  (void)request.query_param("a");
  (void)request.header("Content-Type");
  try {
    (void)request.form();
  } catch (const HttpError&) {
  }
  try {
    (void)request.json();
  } catch (const HttpError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  http::request_parser<http::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(kMaxBodyBytes);
  parser.eager(true);

  boost::system::error_code ec;
  while (!input.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    input.remove_prefix(used);
    if (ec == http::error::need_more && used == 0) break;
    if (ec && ec != http::error::need_more) return 0;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  try {
    exercise_helpers(patter::net::detail::to_http_request(parser.release(), "127.0.0.1"));
  } catch (const HttpError&) {
  }
  return 0;
}
