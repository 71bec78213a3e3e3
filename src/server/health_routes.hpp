#pragma once

namespace patter::net {
class Router;
}

namespace patter::server {

// GET /health → {"status":"ok","mode":"local","version":...}
void add_health_routes(net::Router& router);

}  // namespace patter::server
