#include "providers/embedded/serial_worker.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <vector>

#include "core/error.hpp"

namespace patter::providers {
namespace {

using namespace std::chrono_literals;

TEST(SerialWorker, RunsTasksInOrderOnItsOwnThread) {
  std::vector<int> order;
  std::promise<std::thread::id> ran_on;
  {
    SerialWorker worker(8);
    for (int i = 0; i < 5; ++i) {
      worker.post([&order, i] { order.push_back(i); });
    }
    worker.post([&ran_on] { ran_on.set_value(std::this_thread::get_id()); });
    auto id = ran_on.get_future();
    ASSERT_EQ(id.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(id.get(), worker.thread_id());
    EXPECT_NE(worker.thread_id(), std::this_thread::get_id());
  }
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(SerialWorker, RejectsTasksBeyondCapacity) {
  SerialWorker worker(1);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> started;
  worker.post([&started, released] {
    started.set_value();
    released.wait_for(5s);
  });
  ASSERT_EQ(started.get_future().wait_for(5s), std::future_status::ready);
  worker.post([] {});
  try {
    worker.post([] {});
    FAIL() << "a full queue accepted a task";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::rate_limited);
  }
  release.set_value();
}

TEST(SerialWorker, CloseRunsQueuedTasksThenTheLastOneAndRefusesMore) {
  std::vector<int> order;
  {
    SerialWorker worker(4);
    worker.post([&order] { order.push_back(1); });
    worker.close([&order] { order.push_back(2); });
    EXPECT_THROW(worker.post([] {}), core::Error);
  }
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace patter::providers
