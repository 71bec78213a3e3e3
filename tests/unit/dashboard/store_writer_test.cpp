#include "dashboard/store_writer.hpp"

#include <gtest/gtest.h>

#include <future>
#include <stdexcept>

#include "dashboard/call_store.hpp"
#include "store_test_support.hpp"

namespace patter::dashboard {
namespace {

using namespace testing;

// Holds the writer thread inside the event hook of the first event until released, so the
// queue fills up deterministically behind it.
class WriterGate {
 public:
  StoreEventHook hook() {
    return [this](const StoreEvent&) {
      if (held_) return;
      held_ = true;
      entered_.set_value();
      release_.get_future().wait();
    };
  }
  void wait_until_writer_is_held() { entered_.get_future().wait(); }
  void release() { release_.set_value(); }

 private:
  bool held_ = false;  // touched only by the writer thread
  std::promise<void> entered_;
  std::promise<void> release_;
};

TEST(StoreWriterTest, FullQueueRejectsUpdatesButNeverTerminalRecords) {
  TempDir dir;
  WriterGate gate;
  auto options = options_for(dir);
  options.write_queue_capacity = 4;
  CallStore store(options, gate.hook());

  ASSERT_TRUE(store.record_call_start(inbound_call("CA1", kT0)));
  gate.wait_until_writer_is_held();

  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(store.record_turn("CA1", make_turn(i, "u", "a", 100.0, kT0 + i)));
  }
  EXPECT_FALSE(store.record_turn("CA1", make_turn(4, "u", "a", 100.0, kT0 + 4)));
  EXPECT_FALSE(store.record_call_initiated(inbound_call("CA2", kT0)));
  EXPECT_FALSE(store.update_call_status(status_update("CA1", "ringing", kT0)));
  EXPECT_TRUE(store.update_call_status(status_update("CA1", "completed", kT0 + 50)));
  store.record_call_end(call_end("CA1", kT0 + 60, make_metrics("CA1", 0.06, 0.02, 100.0)));
  auto deleted = store.delete_calls({"CA1"}, kT0 + 70);

  auto stats = store.writer_stats();
  EXPECT_EQ(stats.rejected, 3u);
  EXPECT_EQ(stats.queued, 7u);

  gate.release();
  store.flush();
  EXPECT_EQ(deleted.get(), std::vector<std::string>{"CA1"});
  stats = store.writer_stats();
  EXPECT_EQ(stats.queued, 0u);
  EXPECT_EQ(stats.failed, 0u);
  EXPECT_EQ(stats.committed, 8u);

  SqliteDb raw(dir.database());
  auto row = raw.cached("SELECT status, turns_count, cost_total FROM calls WHERE call_id = 'CA1'");
  ASSERT_TRUE(row->step());
  EXPECT_EQ(row->text(0), "completed");
  EXPECT_EQ(row->int64(1), 4);
  EXPECT_DOUBLE_EQ(row->real(2), 0.02);
  auto others = raw.cached("SELECT count(*) FROM calls");
  ASSERT_TRUE(others->step());
  EXPECT_EQ(others->int64(0), 1);
}

TEST(StoreWriterTest, FailingJobIsRolledBackAloneAndReported) {
  TempDir dir;
  {
    SqliteDb setup(dir.database());
    setup.exec("CREATE TABLE t (v INTEGER NOT NULL)");
  }
  StoreWriter writer(std::make_unique<SqliteDb>(dir.database()), 16, 16, {});
  const auto insert = [](int value) {
    WriteJob job;
    job.apply = [value](SqliteDb& db) {
      db.exec("INSERT INTO t VALUES (" + std::to_string(value) + ")");
      return std::vector<StoreEvent>{};
    };
    return job;
  };
  std::promise<std::string> failure;
  WriteJob broken;
  broken.apply = [](SqliteDb& db) -> std::vector<StoreEvent> {
    db.exec("INSERT INTO t VALUES (3)");
    db.exec("INSERT INTO t VALUES (NULL)");
    return {};
  };
  broken.on_failed = [&failure](std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      failure.set_value(e.what());
    }
  };
  writer.submit(insert(1));
  writer.submit(std::move(broken));
  writer.submit(insert(2));
  writer.flush();

  EXPECT_NE(failure.get_future().get().find("NOT NULL constraint failed"), std::string::npos);
  const auto stats = writer.stats();
  EXPECT_EQ(stats.committed, 2u);
  EXPECT_EQ(stats.failed, 1u);
  SqliteDb raw(dir.database());
  auto values = raw.cached("SELECT group_concat(v) FROM (SELECT v FROM t ORDER BY v)");
  ASSERT_TRUE(values->step());
  EXPECT_EQ(values->text(0), "1,2");
}

TEST(StoreWriterTest, DestructionWritesWhatIsStillQueued) {
  TempDir dir;
  {
    CallStore store(options_for(dir));
    for (int i = 0; i < 50; ++i) {
      record_finished_call(store, "CA" + std::to_string(i), kT0 + i, 1.0, 0.0, 0.0);
    }
  }
  CallStore reopened(options_for(dir));
  EXPECT_EQ(reopened.list_calls(100, 0).size(), 50u);
}

TEST(StoreWriterTest, ThrowingEventHookDoesNotStopWrites) {
  TempDir dir;
  CallStore store(options_for(dir), [](const StoreEvent&) { throw std::runtime_error("boom"); });
  record_finished_call(store, "CA1", kT0, 1.0, 0.0, 0.0);
  store.flush();
  EXPECT_TRUE(store.get_call("CA1"));
  EXPECT_EQ(store.writer_stats().failed, 0u);
}

}  // namespace
}  // namespace patter::dashboard
