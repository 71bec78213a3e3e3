// How the OpenAI Realtime client fails: a refused key, no server, a socket dropped mid-response,
// a session that is never configured or is refused, `error` events, malformed server messages,
// and close() with events still in flight.

#include <boost/json.hpp>

#include "openai_realtime_test_support.hpp"

namespace patter::providers::testing {
namespace {

namespace json = boost::json;
using fakes::FakeOpenAiRealtime;
using fakes::FakeOpenAiRealtimeOptions;
using std::chrono::milliseconds;

class OpenAiRealtimeErrorTest : public RealtimeTest {};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST_F(OpenAiRealtimeErrorTest, ARefusedKeyIsFatalAndNamesTheVariable) {
  FakeOpenAiRealtime fake;
  auto config = config_for(fake);
  config.api_key = "sk-wrong-key-000";
  auto realtime = engine(config);
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config("Hello"), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  ASSERT_EQ(recorder.errors.size(), 1U);
  const auto& [message, fatal] = recorder.errors[0];
  EXPECT_TRUE(fatal);
  EXPECT_TRUE(contains(message, "OPENAI_API_KEY")) << message;
  EXPECT_TRUE(contains(message, "401")) << message;
  EXPECT_FALSE(contains(message, "sk-wrong-key-000")) << message;
  EXPECT_FALSE(recorder.has("ready"));
  EXPECT_TRUE(only(fake).rejected);
  session->push_audio(std::vector<std::uint8_t>(160, 0xFF));  // ignored, no crash
  session->close();
}

TEST_F(OpenAiRealtimeErrorTest, NoServerIsAFatalConnectError) {
  auto config = config_for(FakeOpenAiRealtime{});  // stopped as soon as made: nothing listens
  auto realtime = engine(config);
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(recorder.errors[0].second);
  EXPECT_TRUE(contains(recorder.errors[0].first, "cannot connect")) << recorder.errors[0].first;
  session->close();
}

TEST_F(OpenAiRealtimeErrorTest, ASocketDroppedMidResponseIsFatalAndEndsTheSession) {
  FakeOpenAiRealtimeOptions options;
  options.replies = {{"This answer will be cut short.", milliseconds(3000), std::nullopt}};
  options.delta_gap = milliseconds(20);
  options.drop_after_messages = 12;  // session.created, session.updated, and part of a response
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); }));
  session->send_user_text("Tell me a story.");
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }))
      << ::testing::PrintToString(recorder.order);
  EXPECT_TRUE(recorder.errors[0].second);
  EXPECT_TRUE(contains(recorder.errors[0].first, "connection was lost")) << recorder.errors[0].first;
  EXPECT_TRUE(recorder.has("audio"));
  EXPECT_TRUE(only(fake).dropped);
  const auto events = recorder.order.size();
  session->send_user_text("Are you there?");
  run_for(milliseconds(100));
  EXPECT_EQ(recorder.order.size(), events);  // the fatal error was the last event
  session->close();
}

TEST_F(OpenAiRealtimeErrorTest, ASessionNeverConfiguredTimesOut) {
  FakeOpenAiRealtimeOptions options;
  options.answer_session_update = false;
  FakeOpenAiRealtime fake(options);
  auto config = config_for(fake);
  config.session_ready_timeout = std::chrono::seconds(7);
  auto realtime = engine(config);
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] {
    const auto seen = fake.connections();
    return !seen.empty() && seen[0].count_client("session.update") == 1;
  }));
  ASSERT_EQ(clock_->pending(), 1U);
  clock_->advance(std::chrono::milliseconds(6999));
  EXPECT_TRUE(recorder.errors.empty());
  clock_->advance(std::chrono::milliseconds(1));
  ASSERT_EQ(recorder.errors.size(), 1U);
  EXPECT_TRUE(recorder.errors[0].second);
  EXPECT_TRUE(contains(recorder.errors[0].first, "session.updated")) << recorder.errors[0].first;
  EXPECT_FALSE(recorder.has("ready"));
  session->close();
}

TEST_F(OpenAiRealtimeErrorTest, AnErrorBeforeTheSessionIsReadyIsFatal) {
  FakeOpenAiRealtimeOptions options;
  options.reject_session_update = "Invalid value: 'robot'. Supported voices are alloy, ash.";
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(recorder.errors[0].second);
  EXPECT_TRUE(contains(recorder.errors[0].first, "Supported voices")) << recorder.errors[0].first;
  EXPECT_FALSE(recorder.has("ready"));
  session->close();
}

TEST_F(OpenAiRealtimeErrorTest, AnErrorEventOnceReadyIsReportedAndTheSessionGoesOn) {
  FakeOpenAiRealtimeOptions options;
  options.error_after_ready = std::make_pair("invalid_value", "Invalid 'item.content'.");
  options.replies = {{"Still here.", milliseconds(200), std::nullopt}};
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_FALSE(recorder.errors[0].second);
  EXPECT_EQ(recorder.errors[0].first, "openai_realtime: Invalid 'item.content'. (invalid_value)");
  session->send_user_text("Hello?");
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 1; }));
  EXPECT_EQ(recorder.agent_finals, std::vector<std::string>{"Still here."});
  session->close();
}

TEST_F(OpenAiRealtimeErrorTest, AMalformedServerMessageIsSkipped) {
  FakeOpenAiRealtimeOptions options;
  options.malformed_after_messages = 2;  // right after session.updated
  options.replies = {{"Fine, thanks.", milliseconds(300), std::nullopt}};
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); }));
  session->send_user_text("How are you?");
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 1; }))
      << ::testing::PrintToString(recorder.order);
  EXPECT_TRUE(recorder.errors.empty());
  EXPECT_EQ(recorder.agent_finals, std::vector<std::string>{"Fine, thanks."});
  session->close();
}

TEST_F(OpenAiRealtimeErrorTest, NoEventFollowsClose) {
  FakeOpenAiRealtimeOptions options;
  options.replies = {{"A long story that goes on and on.", milliseconds(4000), std::nullopt}};
  options.delta_gap = milliseconds(20);
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); }));
  session->send_user_text("Tell me a story.");
  ASSERT_TRUE(run_until([&] { return recorder.has("audio"); }));
  session->close();
  const auto events = recorder.order.size();
  ASSERT_TRUE(run_until([&] { return fake.connections().at(0).ended; }));
  run_for(milliseconds(200));
  EXPECT_EQ(recorder.order.size(), events);
  EXPECT_EQ(recorder.count("done"), 0U);
  session.reset();  // a closed session is destroyed quietly
}

TEST_F(OpenAiRealtimeErrorTest, ClosingFromAnEventHandlerIsSafe) {
  FakeOpenAiRealtime fake;
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  std::unique_ptr<EngineSession> session;
  recorder.after_event = [&] {
    if (recorder.order.back() == "ready") session->close();
  };
  session = realtime->open(context(), session_config("Hello there"), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); }));
  ASSERT_TRUE(run_until([&] { return fake.connections().at(0).ended; }));
  run_for(milliseconds(100));
  EXPECT_EQ(recorder.order, std::vector<std::string>{"ready"});
}

}  // namespace
}  // namespace patter::providers::testing
