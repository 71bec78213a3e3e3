#include "core/manual_clock.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace std::chrono_literals;
using patter::core::ManualClock;
using patter::core::Timer;

TEST(ManualClock, TimeStandsStillUntilAdvanced) {
  ManualClock clock;
  const auto start = clock.now();
  EXPECT_EQ(clock.now(), start);
  clock.advance(25ms);
  EXPECT_EQ(clock.now() - start, 25ms);
}

TEST(ManualClock, FiresTimersInDeadlineOrderAtTheirDeadline) {
  ManualClock clock;
  const auto start = clock.now();
  std::vector<std::pair<int, std::chrono::nanoseconds>> fired;
  Timer late = clock.schedule_after(30ms, [&] { fired.emplace_back(3, clock.now() - start); });
  Timer early = clock.schedule_after(10ms, [&] { fired.emplace_back(1, clock.now() - start); });
  Timer tie = clock.schedule_after(10ms, [&] { fired.emplace_back(2, clock.now() - start); });
  EXPECT_EQ(clock.advance(20ms), 2u);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0], std::make_pair(1, std::chrono::nanoseconds(10ms)));
  EXPECT_EQ(fired[1], std::make_pair(2, std::chrono::nanoseconds(10ms)));
  EXPECT_TRUE(late.active());
  EXPECT_FALSE(early.active());
  clock.advance(10ms);
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_EQ(fired[2].second, 30ms);
}

TEST(ManualClock, CancelledAndDestroyedTimersNeverFire) {
  ManualClock clock;
  int count = 0;
  Timer cancelled = clock.schedule_after(5ms, [&] { ++count; });
  cancelled.cancel();
  { Timer dropped = clock.schedule_after(5ms, [&] { ++count; }); }
  EXPECT_EQ(clock.pending(), 0u);
  clock.advance(10ms);
  EXPECT_EQ(count, 0);
}

TEST(ManualClock, TimersScheduledByCallbacksFireWithinTheSameAdvance) {
  ManualClock clock;
  const auto start = clock.now();
  std::vector<std::chrono::nanoseconds> ticks;
  Timer chained;
  std::function<void()> tick = [&] {
    ticks.push_back(clock.now() - start);
    if (ticks.size() < 5) chained = clock.schedule_after(20ms, tick);
  };
  chained = clock.schedule_after(20ms, tick);
  clock.advance(1s);
  ASSERT_EQ(ticks.size(), 5u);
  EXPECT_EQ(ticks.back(), 100ms);
  EXPECT_EQ(clock.now() - start, 1s);
}

TEST(ManualClock, MoveAssignmentCancelsThePreviousTimer) {
  ManualClock clock;
  int first = 0;
  int second = 0;
  Timer timer = clock.schedule_after(5ms, [&] { ++first; });
  timer = clock.schedule_after(5ms, [&] { ++second; });
  clock.advance(5ms);
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
}

TEST(ManualClock, PastDeadlinesFireOnTheNextRun) {
  ManualClock clock;
  clock.advance(1s);
  bool fired = false;
  Timer timer = clock.schedule_at(clock.now() - 10ms, [&] { fired = true; });
  EXPECT_EQ(clock.next_deadline(), clock.now());
  clock.run_due();
  EXPECT_TRUE(fired);
}

TEST(ManualClock, WallTimeFollowsVirtualTime) {
  ManualClock clock;
  const auto wall = clock.wall_now();
  clock.advance(1500ms);
  EXPECT_EQ(clock.wall_now() - wall, 1500ms);
}
