#pragma once

#include <string>

namespace patter::net {
class Router;
}

namespace patter::server {

// GET /metrics → the framework's added latency per stage (session/stage_latency.hpp) since the
// process started, as JSON:
// {"stages":{"stt_final_to_llm_request":{"count","mean_ms","p50_ms","p90_ms","p99_ms","max_ms",
//   "buckets":[[end_us,count],...]},...}}. Buckets list only the non-empty ones; `end_us` is
// the smallest duration the next bucket holds, so two scrapes can be subtracted. With a token,
// the route wants it as the dashboard API does (Bearer header or ?token=), else 401.
void add_metrics_routes(net::Router& router, std::string token);

}  // namespace patter::server
