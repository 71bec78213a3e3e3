#pragma once

#include <atomic>
#include <chrono>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dashboard/store_event.hpp"

namespace patter::dashboard {

// `event: <type>\ndata: <json>\n\n`
[[nodiscard]] std::string sse_frame(const StoreEvent& event);

// One SSE client's mailbox. Frames are pushed from any thread (the store's writer thread)
// and taken on the subscriber's executor, which is woken through a timer on that executor.
class EventSubscription {
 public:
  EventSubscription(boost::asio::any_io_executor executor, std::size_t capacity);

  struct Batch {
    std::vector<std::string> frames;
    bool dropped = false;  // the queue overflowed or the hub closed: the stream must end
  };
  [[nodiscard]] Batch take();

  // Sleeps until a frame arrives, the subscription is dropped, or `max_wait` passes.
  // Call it on the subscription's executor, which must run one handler at a time (the
  // server's connection loops do) so a wake-up cannot slip between take() and the wait.
  boost::asio::awaitable<void> wait(std::chrono::milliseconds max_wait);

 private:
  friend class DashboardEvents;
  // False when the frame did not fit: the subscription is then dropped.
  bool push(const std::string& frame);
  void drop();
  void wake();

  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer timer_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::deque<std::string> frames_;
  bool dropped_ = false;
  std::atomic<bool> wake_posted_{false};
  std::weak_ptr<EventSubscription> self_;
};

// Fans the store's committed changes out to every SSE subscriber. Thread-safe. Each
// subscriber has a bounded queue: one that falls `capacity` events behind is dropped (its
// stream ends) rather than letting memory grow.
class DashboardEvents {
 public:
  DashboardEvents() = default;
  DashboardEvents(const DashboardEvents&) = delete;
  DashboardEvents& operator=(const DashboardEvents&) = delete;

  // The hook to pass to CallStore; the hub must outlive the store.
  [[nodiscard]] StoreEventHook store_hook();
  void publish(const StoreEvent& event);

  // After close(), a new subscription starts dropped.
  [[nodiscard]] std::shared_ptr<EventSubscription> subscribe(boost::asio::any_io_executor executor,
                                                             std::size_t capacity);
  void unsubscribe(const std::shared_ptr<EventSubscription>& subscription);
  // Ends every stream, e.g. before the server stops, so idle streams do not hold it up.
  void close();

  [[nodiscard]] std::size_t subscriber_count() const;
  // Subscribers dropped because their queue overflowed, since the hub was made.
  [[nodiscard]] std::uint64_t overflow_drops() const { return overflow_drops_.load(); }

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<EventSubscription>> subscribers_;
  bool closed_ = false;
  std::atomic<std::uint64_t> overflow_drops_{0};
};

}  // namespace patter::dashboard
