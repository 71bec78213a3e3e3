#include "dashboard/call_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "event_recorder.hpp"
#include "store_test_support.hpp"

namespace patter::dashboard {
namespace {

using namespace testing;

std::vector<std::string> transcript_texts(const CallDetail& detail) {
  std::vector<std::string> lines;
  for (const auto& entry : detail.transcript) {
    lines.push_back(std::string(role_name(entry.role)) + ": " + entry.text);
  }
  return lines;
}

std::vector<std::string> statuses(const CallDetail& detail) {
  std::vector<std::string> names;
  for (const auto& change : detail.status_history) names.push_back(change.status);
  return names;
}

TEST(CallStoreLifecycleTest, StatusCompletedBeforeMediaStopKeepsOneRowWithTurnsAndTranscript) {
  TempDir dir;
  EventRecorder events;
  CallStore store(options_for(dir), events.hook());

  auto outbound = inbound_call("CA1", kT0, "+15550001111", "+15559990000");
  outbound.direction = "outbound";
  outbound.agent_json = R"({"provider":"openai","voice":"alloy"})";
  store.record_call_initiated(outbound);
  CallInfo answered;
  answered.call_id = "CA1";
  answered.at = kT0 + 2000;
  store.record_call_start(answered);
  store.record_turn("CA1", make_turn(0, "Hello?", "Hi, how can I help?", 800.0, kT0 + 4000));
  store.record_turn("CA1",
                    make_turn(1, "Book a table", "For how many[interrupted]", 900.0, kT0 + 8000));
  store.append_transcript("CA1", {TranscriptRole::system, "transferred", kT0 + 9000});
  store.update_call_status(status_update("CA1", "completed", kT0 + 10'000));
  store.flush();

  // Between the status callback and the media stop the call has ended but kept everything.
  auto ended_early = store.get_call("CA1");
  ASSERT_TRUE(ended_early);
  EXPECT_EQ(ended_early->call.ended_at, kT0 + 10'000);
  EXPECT_EQ(ended_early->turns.size(), 2u);
  EXPECT_EQ(transcript_texts(*ended_early).size(), 5u);
  EXPECT_TRUE(store.active_calls().empty());

  auto metrics = make_metrics("CA1", 8.2, 0.0124, 850.0);
  metrics.call.telephony_provider.clear();
  store.record_call_end(call_end("CA1", kT0 + 10'150, metrics));
  store.flush();

  const auto calls = store.list_calls(50, 0);
  ASSERT_EQ(calls.size(), 1u);
  const auto detail = store.get_call("CA1");
  ASSERT_TRUE(detail);
  const auto& call = detail->call;
  EXPECT_EQ(call.caller, "+15550001111");
  EXPECT_EQ(call.callee, "+15559990000");
  EXPECT_EQ(call.direction, "outbound");
  EXPECT_EQ(call.status, "completed");
  EXPECT_EQ(call.started_at, kT0);
  EXPECT_EQ(call.ended_at, kT0 + 10'000);
  EXPECT_DOUBLE_EQ(call.duration_seconds, 8.2);
  EXPECT_DOUBLE_EQ(call.cost.total, 0.0124);
  EXPECT_DOUBLE_EQ(call.latency.average, 850.0);
  EXPECT_DOUBLE_EQ(call.latency.p95, 1700.0);
  EXPECT_EQ(call.telephony_provider, "twilio");
  EXPECT_EQ(call.agent_json, R"({"provider":"openai","voice":"alloy"})");
  EXPECT_EQ(call.turns_count, 2);
  ASSERT_EQ(detail->turns.size(), 2u);
  EXPECT_EQ(detail->turns[1].agent_text, "For how many[interrupted]");
  EXPECT_TRUE(detail->turns[1].interrupted());
  EXPECT_EQ(detail->turns[0].latency.llm_ttft_ms, 210.5);
  EXPECT_EQ(detail->turns[0].latency.endpoint_ms, std::nullopt);
  EXPECT_EQ(to_unix_ms(detail->turns[1].timestamp), kT0 + 8000);
  EXPECT_EQ(transcript_texts(*detail),
            (std::vector<std::string>{"user: Hello?", "assistant: Hi, how can I help?",
                                      "user: Book a table", "assistant: For how many",
                                      "system: transferred"}));
  EXPECT_EQ(statuses(*detail), (std::vector<std::string>{"initiated", "in-progress", "completed"}));
  EXPECT_EQ(events.types(),
            (std::vector<std::string>{"call_initiated", "call_start", "turn_complete",
                                      "turn_complete", "call_status", "call_end"}));
  const auto end_payload = events.last("call_end");
  EXPECT_EQ(end_payload.at("call_id"), "CA1");
  EXPECT_EQ(end_payload.at("metrics").at("caller"), "+15550001111");
  EXPECT_EQ(end_payload.at("metrics").at("turns_count"), 2);
}

TEST(CallStoreLifecycleTest, TheBilledTelephonyPriceReplacesTheEstimateWhenEverItArrives) {
  TempDir dir;
  EventRecorder events;
  CallStore store(options_for(dir), events.hook());
  store.record_call_start(inbound_call("CA1", kT0, "+15550001111", "+15559990000"));
  store.record_call_start(inbound_call("CA2", kT0, "+15550001111", "+15559990000"));

  // CA1: the call's metrics first (estimate 0.01 of 0.04), then the billed price.
  store.record_call_end(call_end("CA1", kT0 + 5000, make_metrics("CA1", 5.0, 0.04, 700.0)));
  store.record_telephony_price("CA1", 0.0125);
  // CA2: the price first (the status callback won the race), then the metrics.
  store.record_telephony_price("CA2", 0.0125);
  store.record_call_end(call_end("CA2", kT0 + 5000, make_metrics("CA2", 5.0, 0.04, 700.0)));
  store.flush();

  for (const char* id : {"CA1", "CA2"}) {
    const auto call = store.get_call(id);
    ASSERT_TRUE(call) << id;
    EXPECT_DOUBLE_EQ(call->call.cost.telephony, 0.0125) << id;
    EXPECT_DOUBLE_EQ(call->call.cost.total, 0.03 + 0.0125) << id;
    EXPECT_DOUBLE_EQ(call->call.cost.stt, 0.01) << id;
  }
}

TEST(CallStoreLifecycleTest, TerminalStatusEndsCallThatNeverHadMedia) {
  for (const std::string status : {"no-answer", "busy", "failed", "canceled"}) {
    TempDir dir;
    CallStore store(options_for(dir));
    auto call = inbound_call("CA-" + status, kT0);
    call.direction = "outbound";
    store.record_call_initiated(call);
    store.update_call_status(
        status_update(call.call_id, status, kT0 + 30'000, R"({"sip_code":486})"));
    store.flush();

    EXPECT_TRUE(store.active_calls().empty()) << status;
    const auto listed = store.list_calls(10, 0);
    ASSERT_EQ(listed.size(), 1u) << status;
    EXPECT_EQ(listed[0].status, status);
    EXPECT_EQ(listed[0].ended_at, kT0 + 30'000);
    EXPECT_DOUBLE_EQ(listed[0].duration_seconds, 30.0);
    const auto detail = store.get_call(call.call_id);
    ASSERT_TRUE(detail);
    EXPECT_EQ(detail->status_history.back().extra_json, R"({"sip_code":486})");
  }
}

TEST(CallStoreLifecycleTest, EndAfterTerminalStatusKeepsThatStatusAndDoesNotDuplicate) {
  TempDir dir;
  CallStore store(options_for(dir));
  store.record_call_start(inbound_call("CA2", kT0));
  store.update_call_status(status_update("CA2", "failed", kT0 + 1000));
  store.update_call_status(status_update("CA2", "ringing", kT0 + 1100));
  store.record_call_end(call_end("CA2", kT0 + 1200));
  store.flush();

  const auto calls = store.list_calls(10, 0);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].status, "failed");
  EXPECT_EQ(calls[0].ended_at, kT0 + 1000);
  EXPECT_DOUBLE_EQ(calls[0].duration_seconds, 1.0);
  EXPECT_DOUBLE_EQ(calls[0].cost.total, 0.0);
}

TEST(CallStoreLifecycleTest, FirstInitiatedWriterWins) {
  TempDir dir;
  EventRecorder events;
  CallStore store(options_for(dir), events.hook());
  auto first = inbound_call("CA3", kT0, "+15550000001", "+15550000002");
  auto second = inbound_call("CA3", kT0 + 500, "+15550000009", "+15550000009");
  store.record_call_initiated(first);
  store.record_call_initiated(second);
  store.flush();

  const auto active = store.active_calls();
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].call.caller, "+15550000001");
  EXPECT_EQ(active[0].call.started_at, kT0);
  EXPECT_EQ(active[0].call.status, "initiated");
  EXPECT_EQ(active[0].call.direction, "outbound");
  EXPECT_EQ(events.types(), std::vector<std::string>{"call_initiated"});
  EXPECT_EQ(events.last("call_initiated").at("status"), "initiated");
}

TEST(CallStoreLifecycleTest, StartDefaultsToInboundAndNeverClearsKnownParties) {
  TempDir dir;
  CallStore store(options_for(dir));
  store.record_call_start(inbound_call("CA4", kT0));
  CallInfo again;
  again.call_id = "CA4";
  again.direction = "outbound";
  again.at = kT0 + 10;
  store.record_call_start(again);
  store.flush();

  const auto active = store.active_calls();
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].call.direction, "inbound");
  EXPECT_EQ(active[0].call.caller, "+15550001111");
  EXPECT_EQ(active[0].call.status, "in-progress");
}

TEST(CallStoreLifecycleTest, ActiveCallsShowLiveTurns) {
  TempDir dir;
  CallStore store(options_for(dir));
  store.record_call_start(inbound_call("CA5", kT0));
  store.record_turn("CA5", make_turn(0, "", "Welcome!", 0.0, kT0 + 100));
  store.record_turn("CA5", make_turn(1, "Hi", "[interrupted]", 500.0, kT0 + 900));
  store.flush();

  const auto active = store.active_calls();
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].turns.size(), 2u);
  EXPECT_EQ(active[0].call.turns_count, 2);
  EXPECT_EQ(transcript_texts(active[0]),
            (std::vector<std::string>{"assistant: Welcome!", "user: Hi"}));
  EXPECT_TRUE(store.list_calls(10, 0).empty());
}

TEST(CallStoreLifecycleTest, EndOfUnseenCallCreatesRecordFromItsDuration) {
  TempDir dir;
  CallStore store(options_for(dir));
  auto end = call_end("CA6", kT0 + 60'000, make_metrics("CA6", 60.0, 0.5, 700.0));
  end.caller = "+15551112222";
  end.metrics->turns.push_back(make_turn(0, "Yes", "Great", 700.0, kT0 + 5000));
  store.record_call_end(end);
  store.flush();

  const auto detail = store.get_call("CA6");
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->call.started_at, kT0);
  EXPECT_EQ(detail->call.caller, "+15551112222");
  EXPECT_EQ(detail->call.direction, "inbound");
  EXPECT_EQ(detail->call.status, "completed");
  EXPECT_EQ(detail->call.turns_count, 1);
  EXPECT_EQ(transcript_texts(*detail), (std::vector<std::string>{"user: Yes", "assistant: Great"}));
}

TEST(CallStoreLifecycleTest, EndWithHistoryReplacesTranscriptAndUpdatesTurns) {
  TempDir dir;
  CallStore store(options_for(dir));
  store.record_call_start(inbound_call("CA7", kT0));
  store.record_turn("CA7", make_turn(0, "Hi", "Hello", 400.0, kT0 + 1000));
  auto end = call_end("CA7", kT0 + 5000, make_metrics("CA7", 5.0, 0.01, 400.0));
  end.metrics->turns.push_back(make_turn(0, "Hi there", "Hello", 410.0, kT0 + 1000));
  end.transcript = {{TranscriptRole::user, "Hi there", kT0 + 1000},
                    {TranscriptRole::assistant, "Hello", kT0 + 1200}};
  store.record_call_end(end);
  store.flush();

  const auto detail = store.get_call("CA7");
  ASSERT_TRUE(detail);
  ASSERT_EQ(detail->turns.size(), 1u);
  EXPECT_EQ(detail->turns[0].user_text, "Hi there");
  EXPECT_DOUBLE_EQ(detail->turns[0].latency.total_ms, 410.0);
  EXPECT_EQ(detail->transcript, end.transcript);
}

TEST(CallStoreLifecycleTest, UpdatesForUnknownCallsAreIgnored) {
  TempDir dir;
  EventRecorder events;
  CallStore store(options_for(dir), events.hook());
  store.record_turn("ghost", make_turn(0, "a", "b", 1.0, kT0));
  store.append_transcript("ghost", {TranscriptRole::user, "a", kT0});
  store.update_call_status(status_update("ghost", "completed", kT0));
  store.flush();
  EXPECT_FALSE(store.get_call("ghost"));
  EXPECT_TRUE(events.types().empty());
  EXPECT_EQ(store.writer_stats().failed, 0u);
}

TEST(CallStoreLifecycleTest, RejectsMalformedArgumentsAtOnce) {
  TempDir dir;
  CallStore store(options_for(dir));
  auto bad_direction = inbound_call("CA8", kT0);
  bad_direction.direction = "sideways";
  EXPECT_THROW(store.record_call_start(bad_direction), core::Error);
  auto bad_agent = inbound_call("CA8", kT0);
  bad_agent.agent_json = "[1,2]";
  EXPECT_THROW(store.record_call_start(bad_agent), core::Error);
  EXPECT_THROW(store.record_call_start(inbound_call("", kT0)), core::Error);
  EXPECT_THROW(store.update_call_status(status_update("CA8", "", kT0)), core::Error);
  store.flush();
  EXPECT_FALSE(store.get_call("CA8"));
}

TEST(CallStoreLifecycleTest, StoredCallsSurviveReopen) {
  TempDir dir;
  {
    CallStore store(options_for(dir));
    record_finished_call(store, "CA9", kT0, 3.0, 0.02, 500.0);
    store.record_turn("CA9", make_turn(0, "a", "b", 500.0, kT0 + 100));
  }
  CallStore reopened(options_for(dir));
  const auto detail = reopened.get_call("CA9");
  ASSERT_TRUE(detail);
  EXPECT_DOUBLE_EQ(detail->call.cost.total, 0.02);
  EXPECT_EQ(detail->turns.size(), 1u);
}

}  // namespace
}  // namespace patter::dashboard
