#include "dashboard/api_routes.hpp"

#include <algorithm>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "dashboard/api_params.hpp"
#include "dashboard/api_payloads.hpp"
#include "dashboard/calls_csv.hpp"

namespace patter::dashboard {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using net::HttpError;
using net::HttpRequest;
using net::HttpResponse;

constexpr std::int64_t kDefaultLimit = 50;
constexpr std::int64_t kMaxOffset = 1'000'000;
constexpr std::size_t kMaxBulkDelete = 1000;
// How often an idle event stream notices that the server is stopping.
constexpr std::chrono::milliseconds kStopCheckInterval{1000};

struct DashboardApi {
  DashboardApi(CallStore& call_store, DashboardEvents& hub, DashboardApiOptions api_options)
      : store(call_store),
        events(hub),
        options(std::move(api_options)),
        readers(std::max<std::size_t>(options.read_threads, 1)) {
    if (!options.wall_clock) {
      options.wall_clock = [] { return to_unix_ms(std::chrono::system_clock::now()); };
    }
  }

  // Store reads take a mutex and hit SQLite (disk, up to 1000 rows); on the connection's
  // event loop they would stall every other connection and call sharing that loop, so they
  // run here and the handler resumes on its own executor afterwards.
  template <class Work>
  asio::awaitable<std::invoke_result_t<Work&>> off_loop(Work work) {
    using Result = std::invoke_result_t<Work&>;
    return asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr, Result)>(
        [this](auto handler, Work job) {
          asio::post(readers, [handler = std::move(handler), job = std::move(job)]() mutable {
            std::exception_ptr failure;
            Result result{};
            try {
              result = job();
            } catch (...) {
              failure = std::current_exception();
            }
            // The handler's associated executor is the awaiting connection's: it resumes there.
            auto resume_on = asio::get_associated_executor(handler);
            asio::post(resume_on, [handler = std::move(handler), failure, result = std::move(result)]() mutable {
              std::move(handler)(failure, std::move(result));
            });
          });
        },
        asio::use_awaitable, std::move(work));
  }

  CallStore& store;
  DashboardEvents& events;
  DashboardApiOptions options;
  asio::thread_pool readers;
};

using Api = std::shared_ptr<DashboardApi>;
using Endpoint = asio::awaitable<HttpResponse> (*)(Api, HttpRequest&);

HttpResponse not_found() {
  return HttpResponse::error(404, "Not found");
}

HttpResponse attachment(std::string body, std::string content_type, std::string_view filename) {
  auto response = HttpResponse::text(std::move(body), 200, std::move(content_type));
  response.headers.set("Content-Disposition", "attachment; filename=\"" + std::string(filename) + "\"");
  return response;
}

std::int64_t limit_param(const HttpRequest& request) {
  return int_param(request, "limit", kDefaultLimit, 1, CallStore::kMaxListLimit);
}

std::int64_t offset_param(const HttpRequest& request) {
  return int_param(request, "offset", 0, 0, kMaxOffset);
}

struct Period {
  std::optional<UnixMs> from;
  std::optional<UnixMs> to;
  [[nodiscard]] UnixMs from_or_min() const { return from.value_or(0); }
  [[nodiscard]] UnixMs to_or_max() const { return to.value_or(std::numeric_limits<UnixMs>::max()); }
};

Period period_params(const HttpRequest& request) {
  Period period{time_param(request, "from", TimeBound::from), time_param(request, "to", TimeBound::to)};
  if (period.from && period.to && *period.from >= *period.to) throw HttpError(400, "from must be before to");
  return period;
}

asio::awaitable<HttpResponse> list_calls(Api api, HttpRequest& request) {
  const auto limit = limit_param(request);
  const auto offset = offset_param(request);
  auto read = [&store = api->store, limit, offset] { return store.list_calls(limit, offset); };
  const auto calls = co_await api->off_loop(std::move(read));
  co_return HttpResponse::json(calls_to_json(calls));
}

asio::awaitable<HttpResponse> get_call(Api api, HttpRequest& request) {
  auto read = [&store = api->store, id = std::string(request.path_param("call_id"))] { return store.get_call(id); };
  const auto detail = co_await api->off_loop(std::move(read));
  if (!detail) co_return not_found();
  co_return HttpResponse::json(call_detail_to_json(*detail));
}

asio::awaitable<HttpResponse> active_calls(Api api, HttpRequest&) {
  auto read = [&store = api->store] { return store.active_calls(); };
  const auto calls = co_await api->off_loop(std::move(read));
  co_return HttpResponse::json(call_details_to_json(calls));
}

asio::awaitable<HttpResponse> aggregates(Api api, HttpRequest&) {
  auto read = [&store = api->store] { return store.aggregates(); };
  const auto totals = co_await api->off_loop(std::move(read));
  co_return HttpResponse::json(aggregates_to_json(totals));
}

asio::awaitable<HttpResponse> export_calls(Api api, HttpRequest& request) {
  const auto format = request.query_param("format").value_or("json");
  if (format != "json" && format != "csv") throw HttpError(400, "format must be json or csv");
  const auto period = period_params(request);
  auto read = [&store = api->store, period] { return store.export_calls(period.from_or_min(), period.to_or_max()); };
  const auto calls = co_await api->off_loop(std::move(read));
  if (format == "csv") {
    std::ostringstream csv;
    write_calls_csv(csv, calls);
    co_return attachment(csv.str(), "text/csv; charset=utf-8", "patter-calls.csv");
  }
  co_return attachment(json::serialize(calls_to_json(calls)), "application/json", "patter-calls.json");
}

asio::awaitable<std::vector<std::string>> soft_delete(const Api& api, std::vector<std::string> ids) {
  const UnixMs now = api->options.wall_clock();
  // The future resolves once the writer thread has committed the change.
  auto write = [&store = api->store, ids = std::move(ids), now]() mutable {
    return store.delete_calls(std::move(ids), now).get();
  };
  auto deleted = co_await api->off_loop(std::move(write));
  co_return deleted;
}

json::object deleted_body(const std::vector<std::string>& ids) {
  json::array call_ids;
  for (const auto& id : ids) call_ids.emplace_back(id);
  return {{"deleted", ids.size()}, {"call_ids", std::move(call_ids)}};
}

asio::awaitable<HttpResponse> delete_call(Api api, HttpRequest& request) {
  std::vector<std::string> ids;
  ids.emplace_back(request.path_param("call_id"));
  const auto deleted = co_await soft_delete(api, std::move(ids));
  if (deleted.empty()) co_return not_found();
  co_return HttpResponse::json(deleted_body(deleted));
}

std::vector<std::string> call_ids_from_body(const HttpRequest& request) {
  const auto body = request.json();
  const auto* object = body.if_object();
  const auto* ids = object ? object->if_contains("call_ids") : nullptr;
  if (!ids || !ids->is_array()) throw HttpError(400, "call_ids must be an array of call ids");
  if (ids->as_array().size() > kMaxBulkDelete) {
    throw HttpError(400, "call_ids must hold at most " + std::to_string(kMaxBulkDelete) + " ids");
  }
  std::vector<std::string> out;
  for (const auto& id : ids->as_array()) {
    if (!id.is_string() || id.as_string().empty()) throw HttpError(400, "call_ids must be an array of call ids");
    out.emplace_back(id.as_string());
  }
  return out;
}

asio::awaitable<HttpResponse> delete_calls(Api api, HttpRequest& request) {
  auto ids = call_ids_from_body(request);
  if (ids.empty()) co_return HttpResponse::json(deleted_body({}));
  const auto deleted = co_await soft_delete(api, std::move(ids));
  co_return HttpResponse::json(deleted_body(deleted));
}

asio::awaitable<HttpResponse> v1_calls(Api api, HttpRequest& request) {
  const auto limit = limit_param(request);
  const auto offset = offset_param(request);
  struct Page {
    std::vector<CallRecord> calls;
    std::size_t total = 0;
  };
  auto read = [&store = api->store, limit, offset] {
    return Page{store.list_calls(limit, offset), store.list_calls(CallStore::kMaxListLimit, 0).size()};
  };
  const auto page = co_await api->off_loop(std::move(read));
  const auto count = page.calls.size();
  co_return HttpResponse::json(json::object{
      {"data", calls_to_json(page.calls)},
      {"pagination", {{"limit", limit}, {"offset", offset}, {"count", count}, {"total", page.total}}}});
}

asio::awaitable<HttpResponse> v1_active_calls(Api api, HttpRequest&) {
  auto read = [&store = api->store] { return store.active_calls(); };
  const auto calls = co_await api->off_loop(std::move(read));
  const auto count = calls.size();
  co_return HttpResponse::json(json::object{{"data", call_details_to_json(calls)}, {"count", count}});
}

asio::awaitable<HttpResponse> v1_call(Api api, HttpRequest& request) {
  auto read = [&store = api->store, id = std::string(request.path_param("call_id"))] { return store.get_call(id); };
  const auto detail = co_await api->off_loop(std::move(read));
  if (!detail) co_return not_found();
  co_return HttpResponse::json(json::object{{"data", call_detail_to_json(*detail)}});
}

asio::awaitable<HttpResponse> v1_overview(Api api, HttpRequest&) {
  auto read = [&store = api->store] { return store.aggregates(); };
  const auto totals = co_await api->off_loop(std::move(read));
  co_return HttpResponse::json(json::object{{"data", aggregates_to_json(totals)}});
}

asio::awaitable<HttpResponse> v1_costs(Api api, HttpRequest& request) {
  const auto period = period_params(request);
  auto read = [&store = api->store, period] { return store.export_calls(period.from_or_min(), period.to_or_max()); };
  const auto calls = co_await api->off_loop(std::move(read));
  co_return HttpResponse::json(json::object{{"data", cost_summary_to_json(calls, period.from, period.to)}});
}

asio::awaitable<HttpResponse> guarded(Api api, Endpoint endpoint, HttpRequest& request) {
  if (!is_authorized(request, api->options)) co_return HttpResponse::error(401, "Unauthorized");
  try {
    co_return co_await endpoint(api, request);
  } catch (const HttpError& error) {
    co_return HttpResponse::error(error.status(), error.what());
  } catch (const core::Error& error) {
    co_return HttpResponse::error(core::http_status(error.code()), error.what());
  }
}

net::HttpHandler handler(const Api& api, Endpoint endpoint) {
  return [api, endpoint](HttpRequest& request) { return guarded(api, endpoint, request); };
}

class SubscriptionGuard {
 public:
  SubscriptionGuard(DashboardEvents& events, std::shared_ptr<EventSubscription> subscription)
      : events_(events), subscription_(std::move(subscription)) {}
  SubscriptionGuard(const SubscriptionGuard&) = delete;
  SubscriptionGuard& operator=(const SubscriptionGuard&) = delete;
  ~SubscriptionGuard() { events_.unsubscribe(subscription_); }

 private:
  DashboardEvents& events_;
  std::shared_ptr<EventSubscription> subscription_;
};

std::string join(std::vector<std::string> frames) {
  if (frames.size() == 1) return std::move(frames.front());
  std::string out;
  for (const auto& frame : frames) out += frame;
  return out;
}

asio::awaitable<void> stream_events(Api api, HttpRequest& request, net::ResponseStream& stream) {
  if (!is_authorized(request, api->options)) {
    net::HttpHeaders headers;
    headers.set("Content-Type", "application/json");
    if (co_await stream.begin(401, std::move(headers))) co_await stream.write(R"({"error":"Unauthorized"})");
    co_return;
  }
  // Subscribe before the headers go out, so a client that has seen them misses no event.
  auto subscription =
      api->events.subscribe(co_await asio::this_coro::executor, api->options.subscriber_queue_capacity);
  const SubscriptionGuard guard(api->events, subscription);
  net::HttpHeaders headers;
  headers.set("Content-Type", "text/event-stream");
  headers.set("Cache-Control", "no-cache");
  headers.set("X-Accel-Buffering", "no");
  if (!co_await stream.begin(200, std::move(headers))) co_return;

  using Clock = std::chrono::steady_clock;
  const auto keepalive = std::max(api->options.keepalive_interval, std::chrono::milliseconds(1));
  auto next_keepalive = Clock::now() + keepalive;
  while (stream.is_open()) {
    auto batch = subscription->take();
    if (batch.dropped) break;
    if (!batch.frames.empty()) {
      if (!co_await stream.write(join(std::move(batch.frames)))) break;
      next_keepalive = Clock::now() + keepalive;
      continue;
    }
    const auto now = Clock::now();
    if (now >= next_keepalive) {
      if (!co_await stream.write(": keepalive\n\n")) break;
      next_keepalive = now + keepalive;
      continue;
    }
    const auto until_keepalive = std::chrono::ceil<std::chrono::milliseconds>(next_keepalive - now);
    co_await subscription->wait(std::min(until_keepalive, kStopCheckInterval));
  }
}

}  // namespace

void add_dashboard_routes(net::Router& router, CallStore& store, DashboardEvents& events,
                          DashboardApiOptions options) {
  const auto api = std::make_shared<DashboardApi>(store, events, std::move(options));
  router.get("/api/dashboard/calls", handler(api, &list_calls));
  router.get("/api/dashboard/calls/{call_id}", handler(api, &get_call));
  router.add("DELETE", "/api/dashboard/calls/{call_id}", handler(api, &delete_call));
  router.post("/api/dashboard/calls/delete", handler(api, &delete_calls));
  router.get("/api/dashboard/active", handler(api, &active_calls));
  router.get("/api/dashboard/aggregates", handler(api, &aggregates));
  router.get("/api/dashboard/export/calls", handler(api, &export_calls));
  router.add_stream("GET", "/api/dashboard/events", [api](HttpRequest& request, net::ResponseStream& stream) {
    return stream_events(api, request, stream);
  });
  router.get("/api/v1/calls", handler(api, &v1_calls));
  // Literal segments first: the router takes the first pattern that matches.
  router.get("/api/v1/calls/active", handler(api, &v1_active_calls));
  router.get("/api/v1/calls/{call_id}", handler(api, &v1_call));
  router.get("/api/v1/analytics/overview", handler(api, &v1_overview));
  router.get("/api/v1/analytics/costs", handler(api, &v1_costs));
}

}  // namespace patter::dashboard
