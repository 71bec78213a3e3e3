#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "net/io_pool.hpp"

namespace patter::net {
namespace {

constexpr std::chrono::seconds kTimeout{10};

TEST(IoPool, DefaultsToAtLeastOneLoop) {
  IoPool pool;
  EXPECT_GE(pool.size(), 1u);
}

TEST(IoPool, WorkPostedToOneExecutorAlwaysRunsOnOneThread) {
  IoPool pool(3);
  pool.start();
  auto executor = pool.next_executor();
  constexpr int kTasks = 200;
  std::set<std::thread::id> threads;  // touched only on the executor
  std::promise<std::set<std::thread::id>> done;
  for (int i = 0; i < kTasks; ++i) {
    boost::asio::post(executor, [&, i] {
      threads.insert(std::this_thread::get_id());
      if (i == kTasks - 1) done.set_value(threads);
    });
  }
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
  const auto seen = future.get();
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_NE(*seen.begin(), std::this_thread::get_id());
  pool.stop();
  pool.join();
}

TEST(IoPool, NextExecutorCyclesThroughLoopsOnDistinctThreads) {
  IoPool pool(2);
  pool.start();
  EXPECT_EQ(pool.size(), 2u);
  auto first = pool.next_executor();
  auto second = pool.next_executor();
  auto third = pool.next_executor();
  EXPECT_TRUE(first == third);
  EXPECT_FALSE(first == second);
  EXPECT_TRUE(first == pool.executor(0) || first == pool.executor(1));

  auto thread_of = [](const boost::asio::any_io_executor& executor) {
    std::promise<std::thread::id> id;
    boost::asio::post(executor, [&] { id.set_value(std::this_thread::get_id()); });
    auto future = id.get_future();
    EXPECT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    return future.get();
  };
  EXPECT_NE(thread_of(pool.executor(0)), thread_of(pool.executor(1)));
  pool.stop();
  pool.join();
}

TEST(IoPool, NextExecutorIsSafeFromManyThreads) {
  IoPool pool(4);
  std::vector<std::thread> callers;
  std::atomic<int> picked{0};
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (pool.next_executor()) ++picked;
      }
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(picked.load(), 4000);
}

}  // namespace
}  // namespace patter::net
