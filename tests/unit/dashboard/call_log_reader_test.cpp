#include "dashboard/call_log_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "dashboard/call_log.hpp"
#include "dashboard/call_log_hydrate.hpp"
#include "dashboard/iso_time.hpp"
#include "store_test_support.hpp"

namespace patter::dashboard {
namespace {

using namespace testing;

CallRecord ended_call(std::string id, UnixMs started_at, double duration_s) {
  CallRecord call;
  call.call_id = std::move(id);
  call.caller = "+15550001111";
  call.callee = "+15559990000";
  call.direction = "inbound";
  call.telephony_provider = "twilio";
  call.provider_mode = "pipeline";
  call.agent_json = R"({"stt":"deepgram","tts":"elevenlabs"})";
  call.status = "completed";
  call.started_at = started_at;
  call.ended_at = started_at + static_cast<UnixMs>(duration_s * 1000);
  call.duration_seconds = duration_s;
  call.cost = {0.01, 0.02, 0.03, 0.04, 0.10, 0.0};
  call.latency = {700.0, 650.0, 800.0, 900.0, 950.0};
  call.turns_count = 2;
  return call;
}

// Writes a call the way the server's call log does: metadata plus one line per turn.
void log_call(const CallLog& log, const CallRecord& call) {
  log.write_metadata(call);
  log.append_turn(call, make_turn(0, "", "Hello, how can I help?", 400.0, call.started_at + 500));
  log.append_turn(call,
                  make_turn(1, "opening hours", "Noon to ten.", 1000.0, call.started_at + 4000));
}

void write_text(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

TEST(IsoTimeParseTest, ReadsWhatFormatWritesAndRejectsOtherZones) {
  EXPECT_EQ(parse_iso_utc(format_iso_utc(kT0 + 250)), kT0 + 250);
  EXPECT_EQ(parse_iso_utc("2025-05-11T21:46:40Z"), kT0);
  EXPECT_EQ(parse_iso_utc("2025-05-11T21:46:40.5+00:00"), kT0 + 500);
  EXPECT_EQ(parse_iso_utc("2025-05-11T21:46:40+02:00"), std::nullopt);
  EXPECT_EQ(parse_iso_utc("2025-02-30T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_iso_utc("yesterday"), std::nullopt);
}

TEST(CallLogReaderTest, ReadsBackWhatTheLogWroteOldestFirst) {
  TempDir dir;
  const CallLog log(dir.path(), PhoneRedaction::mask);
  log_call(log, ended_call("newer", kT0 + 60'000, 30.0));
  log_call(log, ended_call("older", kT0, 12.5));

  const auto calls = read_call_log(dir.path());
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].start.call_id, "older");
  const auto& call = calls[0];
  EXPECT_EQ(call.start.at, kT0);
  EXPECT_EQ(call.start.caller, "***1111");
  EXPECT_EQ(call.start.provider_mode, "pipeline");
  EXPECT_EQ(call.start.agent_json, R"({"stt":"deepgram","tts":"elevenlabs"})");
  EXPECT_EQ(call.end.at, kT0 + 12'500);
  EXPECT_EQ(call.end.status, "completed");
  ASSERT_TRUE(call.end.metrics);
  EXPECT_DOUBLE_EQ(call.end.metrics->call.duration_seconds, 12.5);
  EXPECT_DOUBLE_EQ(call.end.metrics->cost.tts, 0.02);
  EXPECT_DOUBLE_EQ(call.end.metrics->cost.total, 0.10);
  EXPECT_DOUBLE_EQ(call.end.metrics->latency.average.total_ms, 700.0);
  EXPECT_DOUBLE_EQ(call.end.metrics->latency.p95.total_ms, 900.0);
  ASSERT_EQ(call.end.metrics->turns.size(), 2u);
  EXPECT_EQ(call.end.metrics->turns[1].user_text, "opening hours");
  EXPECT_DOUBLE_EQ(call.end.metrics->turns[1].latency.llm_ms, 300.0);
  EXPECT_EQ(call.end.metrics->turns[1].latency.llm_ttft_ms, 210.5);
  EXPECT_EQ(to_unix_ms(call.end.metrics->turns[1].timestamp), kT0 + 4000);
}

TEST(CallLogReaderTest, SkipsBadFoldersMetadataAndLinesAndClosesUnendedCalls) {
  TempDir dir;
  const CallLog log(dir.path(), PhoneRedaction::full);
  auto open = ended_call("open", kT0, 0.0);
  open.ended_at.reset();
  open.duration_seconds = 8.0;
  log.write_metadata(open);
  write_text(log.call_dir(open) / "transcript.jsonl",
             "not json\n{\"turn_index\":0,\"agent_text\":\"Hi\"}\n");
  write_text(dir.path() / "calls/2025/05/11/broken/metadata.json", "{");
  write_text(dir.path() / "calls/2025/05/11/no-start/metadata.json", R"({"call_id":"no-start"})");
  write_text(dir.path() / "calls/notes/05/11/stray/metadata.json",
             R"({"call_id":"stray","started_at":"2025-05-11T21:46:40Z"})");

  const auto calls = read_call_log(dir.path());
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].start.call_id, "open");
  EXPECT_EQ(calls[0].end.status, "failed");
  EXPECT_EQ(calls[0].end.at, kT0 + 8000);
  ASSERT_EQ(calls[0].end.metrics->turns.size(), 1u);
  EXPECT_EQ(calls[0].end.metrics->turns[0].agent_text, "Hi");
}

TEST(CallLogReaderTest, LiftsCostFromTheOlderNestedMetricsShape) {
  TempDir dir;
  write_text(
      dir.path() / "calls/2025/05/11/CA1/metadata.json",
      R"({"call_id":"CA1","started_at":"2025-05-11T21:46:40.000Z","ended_at":"2025-05-11T21:47:40.000Z",
                 "status":"completed","metrics":{"cost":{"stt":0.5,"total":0.5}}})");
  const auto calls = read_call_log(dir.path());
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_DOUBLE_EQ(calls[0].end.metrics->cost.total, 0.5);
  EXPECT_DOUBLE_EQ(calls[0].end.metrics->call.duration_seconds, 60.0);
}

TEST(DeletedCallIdsTest, AddsToTheFileAndReadsItBack) {
  TempDir dir;
  EXPECT_TRUE(read_deleted_call_ids(dir.path()).empty());
  add_deleted_call_ids(dir.path(), {"a", "b"});
  add_deleted_call_ids(dir.path(), {"b", "c"});
  EXPECT_EQ(read_deleted_call_ids(dir.path()), (std::set<std::string>{"a", "b", "c"}));
  write_text(dir.path() / ".deleted_call_ids.json", R"({"not":"a list"})");
  EXPECT_TRUE(read_deleted_call_ids(dir.path()).empty());
}

TEST(HydrateTest, LoadsTheLogIntoTheStoreWithTurnsAndTranscript) {
  TempDir logs;
  TempDir db;
  const CallLog log(logs.path(), PhoneRedaction::mask);
  log_call(log, ended_call("one", kT0, 20.0));
  log_call(log, ended_call("two", kT0 + 60'000, 40.0));
  log_call(log, ended_call("gone", kT0 + 120'000, 10.0));
  add_deleted_call_ids(logs.path(), {"gone"});

  CallStore store(options_for(db));
  EXPECT_EQ(hydrate_from_call_log(store, logs.path()), 2u);
  const auto listed = store.list_calls(50, 0);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].call_id, "two");
  EXPECT_EQ(listed[1].started_at, kT0);
  EXPECT_EQ(listed[1].ended_at, kT0 + 20'000);
  EXPECT_DOUBLE_EQ(listed[1].cost.total, 0.10);
  EXPECT_DOUBLE_EQ(listed[1].latency.p95, 900.0);
  EXPECT_EQ(listed[1].turns_count, 2);
  const auto detail = store.get_call("one");
  ASSERT_TRUE(detail);
  ASSERT_EQ(detail->transcript.size(), 3u);
  EXPECT_EQ(detail->transcript[0].text, "Hello, how can I help?");
  EXPECT_EQ(detail->transcript[1].text, "opening hours");
  EXPECT_EQ(store.aggregates().total_calls, 2);
}

TEST(HydrateTest, RunningAgainChangesNothingAndKeepsStoreDeletions) {
  TempDir logs;
  TempDir db;
  const CallLog log(logs.path(), PhoneRedaction::mask);
  log_call(log, ended_call("one", kT0, 20.0));
  log_call(log, ended_call("two", kT0 + 60'000, 40.0));
  CallStore store(options_for(db));
  hydrate_from_call_log(store, logs.path());
  const auto deleted = store.delete_calls({"one"}, kT0 + 600'000).get();
  ASSERT_EQ(deleted.size(), 1u);

  hydrate_from_call_log(store, logs.path());
  const auto listed = store.list_calls(50, 0);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].call_id, "two");
  EXPECT_EQ(store.get_call("two")->transcript.size(), 3u);
}

TEST(HydrateTest, DeletionsAreRememberedInTheLogFolder) {
  TempDir logs;
  TempDir db;
  const CallLog log(logs.path(), PhoneRedaction::mask);
  log_call(log, ended_call("one", kT0, 20.0));
  int forwarded = 0;
  CallStore store(options_for(db),
                  remember_deletions_in(logs.path(), [&](const StoreEvent&) { ++forwarded; }));
  hydrate_from_call_log(store, logs.path());
  store.delete_calls({"one"}, kT0 + 600'000).get();
  store.flush();
  EXPECT_EQ(read_deleted_call_ids(logs.path()), (std::set<std::string>{"one"}));
  EXPECT_GT(forwarded, 0);
}

}  // namespace
}  // namespace patter::dashboard
