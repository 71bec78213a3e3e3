#pragma once

#include "dashboard/api_auth.hpp"
#include "dashboard/api_options.hpp"
#include "dashboard/call_store.hpp"
#include "dashboard/dashboard_events.hpp"
#include "net/router.hpp"

namespace patter::dashboard {

// Adds the dashboard's JSON, export, SSE and /api/v1 routes (reference F1, F2). The store and
// the events hub must outlive the router; the routes own a small thread pool for store reads.
void add_dashboard_routes(net::Router& router, CallStore& store, DashboardEvents& events,
                          DashboardApiOptions options);

}  // namespace patter::dashboard
