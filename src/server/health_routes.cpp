#include "server/health_routes.hpp"

#include <boost/json/value.hpp>

#include "net/router.hpp"
#include "patter/version.hpp"

namespace patter::server {

void add_health_routes(net::Router& router) {
  router.get("/health", [](net::HttpRequest&) -> boost::asio::awaitable<net::HttpResponse> {
    co_return net::HttpResponse::json(
        boost::json::object{{"status", "ok"}, {"mode", "local"}, {"version", kVersion}});
  });
}

}  // namespace patter::server
