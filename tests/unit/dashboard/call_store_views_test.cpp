#include "dashboard/call_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "dashboard/calls_csv.hpp"
#include "event_recorder.hpp"
#include "store_test_support.hpp"

namespace patter::dashboard {
namespace {

using namespace testing;
using std::chrono::hours;
using std::chrono::milliseconds;

std::vector<std::string> ids_of(const std::vector<CallRecord>& calls) {
  std::vector<std::string> ids;
  for (const auto& call : calls) ids.push_back(call.call_id);
  return ids;
}

std::string call_id(int n) {
  return "CA" + std::to_string(100 + n);
}

// Calls CA100.. started one second apart, so CA(100+count-1) is the newest.
void record_calls(CallStore& store, int count) {
  for (int i = 0; i < count; ++i) {
    record_finished_call(store, call_id(i), kT0 + i * 1000, 10.0, 0.01, 500.0);
  }
  store.flush();
}

TEST(CallStoreViewsTest, ListsNewestFirstWithPaginationAndLimitClamp) {
  TempDir dir;
  CallStore store(options_for(dir));
  record_calls(store, 5);
  EXPECT_EQ(ids_of(store.list_calls(2, 0)), (std::vector<std::string>{"CA104", "CA103"}));
  EXPECT_EQ(ids_of(store.list_calls(2, 2)), (std::vector<std::string>{"CA102", "CA101"}));
  EXPECT_EQ(ids_of(store.list_calls(2, 4)), std::vector<std::string>{"CA100"});
  EXPECT_TRUE(store.list_calls(2, 5).empty());
  EXPECT_TRUE(store.list_calls(0, 0).empty());
  EXPECT_TRUE(store.list_calls(-3, 0).empty());
  EXPECT_EQ(store.list_calls(5, -7).size(), 5u);
}

TEST(CallStoreViewsTest, LimitIsClampedToOneThousand) {
  TempDir dir;
  auto options = options_for(dir);
  options.max_calls_in_views = 5000;
  CallStore store(options);
  record_calls(store, 1005);
  EXPECT_EQ(store.list_calls(5000, 0).size(), 1000u);
  EXPECT_EQ(store.list_calls(5000, 1000).size(), 5u);
}

TEST(CallStoreViewsTest, ViewsShowOnlyTheNewestWindow) {
  TempDir dir;
  auto options = options_for(dir);
  options.max_calls_in_views = 3;
  CallStore store(options);
  record_calls(store, 5);
  EXPECT_EQ(ids_of(store.list_calls(50, 0)), (std::vector<std::string>{"CA104", "CA103", "CA102"}));
  EXPECT_EQ(ids_of(store.list_calls(50, 2)), std::vector<std::string>{"CA102"});
  EXPECT_EQ(store.aggregates().total_calls, 3);
  // Older calls are still on disk and reachable one by one and by export.
  EXPECT_TRUE(store.get_call("CA100"));
  EXPECT_EQ(store.export_calls(kT0, kT0 + 10'000).size(), 5u);
}

TEST(CallStoreViewsTest, AggregatesAreExact) {
  TempDir dir;
  CallStore store(options_for(dir));
  record_finished_call(store, "A", kT0, 10.0, 0.04, 800.0);
  record_finished_call(store, "B", kT0 + 1, 20.0, 0.08, 400.0);
  // A call without latency does not pull the average latency down.
  record_finished_call(store, "C", kT0 + 2, 30.0, 0.12, 0.0);
  store.record_call_start(inbound_call("live", kT0 + 3));
  store.flush();

  const auto aggregates = store.aggregates();
  EXPECT_EQ(aggregates.total_calls, 3);
  EXPECT_DOUBLE_EQ(aggregates.total_cost, 0.24);
  EXPECT_DOUBLE_EQ(aggregates.avg_duration, 20.0);
  EXPECT_DOUBLE_EQ(aggregates.avg_latency_ms, 600.0);
  EXPECT_DOUBLE_EQ(aggregates.cost_breakdown.stt, 0.06);
  EXPECT_DOUBLE_EQ(aggregates.cost_breakdown.tts, 0.06);
  EXPECT_DOUBLE_EQ(aggregates.cost_breakdown.llm, 0.06);
  EXPECT_DOUBLE_EQ(aggregates.cost_breakdown.telephony, 0.06);
  EXPECT_EQ(aggregates.active_calls, 1);
}

TEST(CallStoreViewsTest, AggregatesOfEmptyStoreAreZero) {
  TempDir dir;
  CallStore store(options_for(dir));
  const auto aggregates = store.aggregates();
  EXPECT_EQ(aggregates.total_calls, 0);
  EXPECT_DOUBLE_EQ(aggregates.total_cost, 0.0);
  EXPECT_DOUBLE_EQ(aggregates.avg_duration, 0.0);
  EXPECT_DOUBLE_EQ(aggregates.avg_latency_ms, 0.0);
  EXPECT_EQ(aggregates.active_calls, 0);
}

TEST(CallStoreViewsTest, SoftDeleteHidesEverywhereSkipsActiveAndSurvivesReopen) {
  TempDir dir;
  EventRecorder events;
  {
    CallStore store(options_for(dir), events.hook());
    record_finished_call(store, "keep", kT0, 10.0, 0.10, 300.0);
    record_finished_call(store, "gone", kT0 + 1000, 30.0, 0.50, 900.0);
    store.record_call_start(inbound_call("live", kT0 + 2000));
    store.flush();

    const auto deleted = store.delete_calls({"gone", "live", "unknown"}, kT0 + 5000).get();
    EXPECT_EQ(deleted, std::vector<std::string>{"gone"});
    EXPECT_EQ(events.last("calls_deleted").at("call_ids").as_array().size(), 1u);
    EXPECT_EQ(store.delete_calls({"gone"}, kT0 + 6000).get(), std::vector<std::string>{});
  }
  CallStore store(options_for(dir));
  EXPECT_EQ(ids_of(store.list_calls(50, 0)), std::vector<std::string>{"keep"});
  EXPECT_FALSE(store.get_call("gone"));
  EXPECT_EQ(ids_of(store.export_calls(kT0, kT0 + 10'000)), std::vector<std::string>{"keep"});
  const auto aggregates = store.aggregates();
  EXPECT_EQ(aggregates.total_calls, 1);
  EXPECT_DOUBLE_EQ(aggregates.total_cost, 0.10);
  EXPECT_DOUBLE_EQ(aggregates.avg_latency_ms, 300.0);
  EXPECT_EQ(aggregates.active_calls, 1);
  ASSERT_EQ(store.active_calls().size(), 1u);

  // A late end for a deleted call neither revives it nor creates a duplicate.
  store.record_call_end(call_end("gone", kT0 + 7000));
  store.record_call_start(inbound_call("gone", kT0 + 7000));
  store.flush();
  EXPECT_FALSE(store.get_call("gone"));
  EXPECT_EQ(store.active_calls().size(), 1u);

  // Still on disk.
  SqliteDb raw(dir.database());
  auto row = raw.cached("SELECT deleted FROM calls WHERE call_id = 'gone'");
  ASSERT_TRUE(row->step());
  EXPECT_EQ(row->int64(0), 1);
}

TEST(CallStoreViewsTest, RetentionRemovesOldEndedCallsFromDisk) {
  TempDir dir;
  EventRecorder events;
  CallStore store(options_for(dir), events.hook());
  const UnixMs day = 24 * 3600 * 1000;
  record_finished_call(store, "old", kT0, 10.0, 0.1, 100.0);
  store.record_turn("old", make_turn(0, "a", "b", 100.0, kT0 + 10));
  record_finished_call(store, "recent", kT0 + 29 * day, 10.0, 0.1, 100.0);
  store.record_call_start(inbound_call("old-but-live", kT0 + 1));
  store.flush();

  EXPECT_EQ(store.apply_retention(kT0 + 31 * day, milliseconds{30 * day}).get(), 1);
  EXPECT_FALSE(store.get_call("old"));
  EXPECT_TRUE(store.get_call("recent"));
  EXPECT_TRUE(store.get_call("old-but-live"));
  EXPECT_EQ(events.last("calls_deleted").at("call_ids").as_array().at(0), "old");

  SqliteDb raw(dir.database());
  auto turns = raw.cached("SELECT count(*) FROM turns WHERE call_id = 'old'");
  ASSERT_TRUE(turns->step());
  EXPECT_EQ(turns->int64(0), 0);
}

TEST(CallStoreViewsTest, ExportSelectsRangeAndWritesFifteenColumns) {
  TempDir dir;
  CallStore store(options_for(dir));
  auto call = inbound_call("CAx", kT0, "Smith, \"Bob\"\nJr", "+15559990000");
  store.record_call_start(call);
  store.record_call_end(call_end("CAx", kT0 + 2500, make_metrics("CAx", 2.5, 0.04, 612.5)));
  record_finished_call(store, "later", kT0 + 60'000, 1.0, 0.0, 0.0);
  store.flush();

  const auto rows = store.export_calls(kT0, kT0 + 60'000);
  ASSERT_EQ(ids_of(rows), std::vector<std::string>{"CAx"});
  std::ostringstream csv;
  write_calls_csv(csv, rows);
  EXPECT_EQ(csv.str(),
            "call_id,caller,callee,direction,started_at,ended_at,duration_s,cost_total,cost_stt,"
            "cost_tts,cost_llm,cost_telephony,avg_latency_ms,turns_count,provider_mode\r\n"
            "CAx,\"Smith, \"\"Bob\"\"\nJr\",+15559990000,inbound,2025-05-11T21:46:40.000Z,"
            "2025-05-11T21:46:42.500Z,2.5,0.04,0.01,0.01,0.01,0.01,612.5,0,pipeline\r\n");
}

}  // namespace
}  // namespace patter::dashboard
