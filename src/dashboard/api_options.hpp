#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "dashboard/call_records.hpp"

namespace patter::dashboard {

struct DashboardApiOptions {
  // Auth is enforced when require_token is set or a token is given; an enforced check with
  // no token configured rejects every request (fail closed).
  std::string token;
  bool require_token = false;
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(30)};
  std::size_t subscriber_queue_capacity = 100;
  std::size_t read_threads = 1;  // workers for the blocking SQLite reads
  // Wall-clock time stamped on soft deletes; defaults to the system clock.
  std::function<UnixMs()> wall_clock;
};

}  // namespace patter::dashboard
