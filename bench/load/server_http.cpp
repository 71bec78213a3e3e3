#include "server_http.hpp"

#include <boost/asio/io_context.hpp>

#include "fakes/run_coroutine.hpp"
#include "net/http_client.hpp"

namespace patter::load {

HttpAnswer http_get(std::uint16_t port, const std::string& path, const std::string& token,
                    std::chrono::milliseconds limit) {
  boost::asio::io_context io;
  net::HttpClientOptions options;
  options.connect_timeout = limit;
  options.total_timeout = limit;
  net::HttpClient client(io.get_executor(), options);
  net::HttpClientRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + path;
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  auto response = fakes::run_coroutine(io, client.request(std::move(request)), limit + std::chrono::seconds(1));
  return {response.status, std::move(response.body)};
}

}  // namespace patter::load
