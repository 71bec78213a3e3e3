#pragma once

#include <functional>
#include <string>

namespace patter::dashboard {

// A committed change, named like the dashboard's SSE events: call_initiated, call_start,
// call_status, turn_complete, call_end, calls_deleted. The payload is a JSON object.
struct StoreEvent {
  std::string type;
  std::string payload_json;
};

// Runs on the store's writer thread after the change is committed; keep it short (hand the
// event to another executor) because writes wait while it runs.
using StoreEventHook = std::function<void(const StoreEvent&)>;

}  // namespace patter::dashboard
