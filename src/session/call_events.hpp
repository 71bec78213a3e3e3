#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <patter/events.hpp>
#include <patter/executor.hpp>

namespace patter::session {

// An EventBus whose listeners run on a user-code lane, in emission order. A call's bus may
// forward to a process-wide bus, so one listener can watch every call.
class CallEventBus final : public EventBus, public std::enable_shared_from_this<CallEventBus> {
 public:
  explicit CallEventBus(std::shared_ptr<Executor> lane, std::shared_ptr<CallEventBus> parent = {});

  Subscription on(EventType type, EventListener listener) override;
  Subscription on_any(EventListener listener) override;

  // Thread-safe; costs one lock and nothing else while nobody listens.
  void emit(const CallEvent& event);
  [[nodiscard]] bool has_listeners(EventType type) const;

 private:
  Subscription add(std::optional<EventType> type, EventListener listener);

  std::shared_ptr<Executor> lane_;
  std::shared_ptr<CallEventBus> parent_;
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  struct Entry {
    std::optional<EventType> type;
    std::shared_ptr<EventListener> listener;
  };
  std::map<std::uint64_t, Entry> listeners_;
};

}  // namespace patter::session
