#include "dashboard/dashboard_events.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string_view>
#include <utility>

namespace patter::dashboard {

std::string sse_frame(const StoreEvent& event) {
  std::string frame;
  frame.reserve(event.type.size() + event.payload_json.size() + 16);
  frame.append("event: ").append(event.type).append("\n");
  // A line break inside the payload would end the field early; each line gets its own field.
  std::string_view rest = event.payload_json;
  while (true) {
    const auto line_end = rest.find('\n');
    frame.append("data: ").append(rest.substr(0, line_end)).append("\n");
    if (line_end == std::string_view::npos) break;
    rest.remove_prefix(line_end + 1);
  }
  frame.append("\n");
  return frame;
}

EventSubscription::EventSubscription(boost::asio::any_io_executor executor, std::size_t capacity)
    : executor_(std::move(executor)), timer_(executor_), capacity_(std::max<std::size_t>(capacity, 1)) {}

EventSubscription::Batch EventSubscription::take() {
  Batch batch;
  std::lock_guard lock(mutex_);
  batch.dropped = dropped_;
  batch.frames.assign(std::make_move_iterator(frames_.begin()), std::make_move_iterator(frames_.end()));
  frames_.clear();
  return batch;
}

boost::asio::awaitable<void> EventSubscription::wait(std::chrono::milliseconds max_wait) {
  {
    std::lock_guard lock(mutex_);
    if (dropped_ || !frames_.empty()) co_return;
  }
  timer_.expires_after(max_wait);
  co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

bool EventSubscription::push(const std::string& frame) {
  bool accepted = false;
  {
    std::lock_guard lock(mutex_);
    if (dropped_) return false;
    if (frames_.size() >= capacity_) {
      dropped_ = true;
      frames_.clear();
    } else {
      frames_.push_back(frame);
      accepted = true;
    }
  }
  wake();
  return accepted;
}

void EventSubscription::drop() {
  {
    std::lock_guard lock(mutex_);
    dropped_ = true;
    frames_.clear();
  }
  wake();
}

void EventSubscription::wake() {
  // The timer may only be touched on its executor; one pending wake-up is enough.
  if (wake_posted_.exchange(true)) return;
  boost::asio::post(executor_, [weak = self_] {
    if (auto self = weak.lock()) {
      self->wake_posted_ = false;
      self->timer_.cancel();
    }
  });
}

StoreEventHook DashboardEvents::store_hook() {
  return [this](const StoreEvent& event) { publish(event); };
}

void DashboardEvents::publish(const StoreEvent& event) {
  const std::string frame = sse_frame(event);
  std::lock_guard lock(mutex_);
  std::erase_if(subscribers_, [&](const std::shared_ptr<EventSubscription>& subscriber) {
    if (subscriber->push(frame)) return false;
    overflow_drops_.fetch_add(1);
    return true;
  });
}

std::shared_ptr<EventSubscription> DashboardEvents::subscribe(boost::asio::any_io_executor executor,
                                                              std::size_t capacity) {
  auto subscription = std::make_shared<EventSubscription>(std::move(executor), capacity);
  subscription->self_ = subscription;
  std::lock_guard lock(mutex_);
  if (closed_) {
    subscription->drop();
  } else {
    subscribers_.push_back(subscription);
  }
  return subscription;
}

void DashboardEvents::unsubscribe(const std::shared_ptr<EventSubscription>& subscription) {
  std::lock_guard lock(mutex_);
  std::erase(subscribers_, subscription);
}

void DashboardEvents::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  for (const auto& subscriber : subscribers_) subscriber->drop();
  subscribers_.clear();
}

std::size_t DashboardEvents::subscriber_count() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

}  // namespace patter::dashboard
