#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "fakes/fake_openai_chat.hpp"

namespace patter::fakes {

// What a language-model fake shares between its handlers and the test: the queued replies, the
// requests received and how each stream ended. Thread-safe.
template <typename Reply>
struct FakeReplyLedger {
  mutable std::mutex mutex;
  std::deque<Reply> queue;
  std::vector<FakeChatRequest> requests;
  std::size_t completed = 0;
  std::size_t disconnects = 0;
  std::uint64_t next_id = 1;

  Reply next_reply(const Reply& fallback) {
    const std::lock_guard lock(mutex);
    if (queue.empty()) return fallback;
    auto reply = std::move(queue.front());
    queue.pop_front();
    return reply;
  }
  // Returns the request's sequence number, from 1.
  std::uint64_t record(FakeChatRequest request) {
    const std::lock_guard lock(mutex);
    requests.push_back(std::move(request));
    return next_id++;
  }
  void stream_ended(bool complete, bool client_left) {
    const std::lock_guard lock(mutex);
    if (complete) ++completed;
    if (client_left) ++disconnects;
  }
};

}  // namespace patter::fakes
