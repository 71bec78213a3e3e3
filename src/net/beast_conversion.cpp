#include "net/beast_conversion.hpp"

namespace patter::net::detail {

namespace http = boost::beast::http;

HttpRequest to_http_request(BeastRequest&& request, std::string remote_address) {
  HttpRequest result;
  result.method = std::string(request.method_string());
  result.target = std::string(request.target());
  for (const auto& field : request) {
    result.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  result.body = std::move(request.body());
  result.remote_address = std::move(remote_address);
  parse_request_target(result);
  return result;
}

BeastResponse to_beast_response(HttpResponse&& response, bool keep_alive) {
  BeastResponse wire;
  wire.result(static_cast<unsigned>(response.status));
  wire.version(11);
  for (const auto& [name, value] : response.headers) wire.insert(name, value);
  wire.body() = std::move(response.body);
  wire.keep_alive(keep_alive);
  wire.prepare_payload();
  return wire;
}

}  // namespace patter::net::detail
