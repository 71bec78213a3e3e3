#include "server/metrics_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "dashboard/api_auth.hpp"
#include "net/router.hpp"
#include "session/stage_latency.hpp"

namespace patter::server {

namespace {

boost::json::object stage_json(const session::HistogramSnapshot& snapshot) {
  boost::json::array buckets;
  for (std::size_t i = 0; i < snapshot.buckets.size(); ++i) {
    if (snapshot.buckets[i] == 0) continue;
    buckets.push_back(boost::json::array{session::LatencyHistogram::bucket_end(i), snapshot.buckets[i]});
  }
  return {{"count", snapshot.count},
          {"mean_ms", snapshot.mean_ms()},
          {"p50_ms", snapshot.quantile_ms(0.50)},
          {"p90_ms", snapshot.quantile_ms(0.90)},
          {"p99_ms", snapshot.quantile_ms(0.99)},
          {"max_ms", static_cast<double>(snapshot.max_us) / 1000.0},
          {"buckets", std::move(buckets)}};
}

}  // namespace

void add_metrics_routes(net::Router& router, std::string token) {
  dashboard::DashboardApiOptions auth;
  auth.token = std::move(token);
  router.get("/metrics", [auth](net::HttpRequest& request) -> boost::asio::awaitable<net::HttpResponse> {
    if (!dashboard::is_authorized(request, auth)) co_return net::HttpResponse::error(401, "Unauthorized");
    boost::json::object stages;
    const auto& latencies = session::StageLatencies::process();
    for (std::size_t i = 0; i < session::kStageCount; ++i) {
      const auto stage = static_cast<session::Stage>(i);
      stages[session::to_string(stage)] = stage_json(latencies.snapshot(stage));
    }
    co_return net::HttpResponse::json(boost::json::object{{"stages", std::move(stages)}});
  });
}

}  // namespace patter::server
