#include "session/call_events.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace patter::session {

CallEventBus::CallEventBus(std::shared_ptr<Executor> lane, std::shared_ptr<CallEventBus> parent)
    : lane_(std::move(lane)), parent_(std::move(parent)) {}

Subscription CallEventBus::on(EventType type, EventListener listener) {
  return add(type, std::move(listener));
}

Subscription CallEventBus::on_any(EventListener listener) { return add(std::nullopt, std::move(listener)); }

Subscription CallEventBus::add(std::optional<EventType> type, EventListener listener) {
  std::uint64_t id = 0;
  {
    const std::lock_guard lock(mutex_);
    id = next_id_++;
    listeners_.emplace(id, Entry{type, std::make_shared<EventListener>(std::move(listener))});
  }
  return Subscription([weak = weak_from_this(), id] {
    if (auto bus = weak.lock()) {
      const std::lock_guard lock(bus->mutex_);
      bus->listeners_.erase(id);
    }
  });
}

bool CallEventBus::has_listeners(EventType type) const {
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : listeners_) {
      if (!entry.type || *entry.type == type) return true;
    }
  }
  return parent_ && parent_->has_listeners(type);
}

void CallEventBus::emit(const CallEvent& event) {
  std::vector<std::shared_ptr<EventListener>> targets;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : listeners_) {
      if (!entry.type || *entry.type == event.type) targets.push_back(entry.listener);
    }
  }
  if (!targets.empty()) {
    lane_->post([targets = std::move(targets), event] {
      for (const auto& listener : targets) {
        try {
          (*listener)(event);
        } catch (const std::exception& error) {
          spdlog::warn("event listener for {} raised: {}", to_string(event.type), error.what());
        } catch (...) {
          spdlog::warn("event listener for {} raised a non-standard exception", to_string(event.type));
        }
      }
    });
  }
  if (parent_) parent_->emit(event);
}

}  // namespace patter::session
