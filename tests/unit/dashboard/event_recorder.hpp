#pragma once

#include <mutex>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "dashboard/store_event.hpp"

namespace patter::dashboard::testing {

// Collects the store's events (they arrive on the writer thread).
class EventRecorder {
 public:
  StoreEventHook hook() {
    return [this](const StoreEvent& event) {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    };
  }

  [[nodiscard]] std::vector<std::string> types() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const auto& event : events_) names.push_back(event.type);
    return names;
  }

  // Payload of the last event of `type`, parsed.
  [[nodiscard]] boost::json::value last(const std::string& type) const {
    std::lock_guard lock(mutex_);
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (it->type == type) return boost::json::parse(it->payload_json);
    }
    return nullptr;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<StoreEvent> events_;
};

}  // namespace patter::dashboard::testing
