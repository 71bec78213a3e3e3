// Conversation through the OpenAI Realtime client against the fake: a caller turn end to end,
// barge-in (the exact truncate and no audio after it), a tool round trip, typed user text, and
// say() replacing the response in progress.

#include <boost/json.hpp>

#include "openai_realtime_test_support.hpp"

namespace patter::providers::testing {
namespace {

namespace json = boost::json;
using fakes::FakeOpenAiRealtime;
using fakes::FakeOpenAiRealtimeOptions;
using fakes::FakeRealtimeReply;
using std::chrono::milliseconds;

class OpenAiRealtimeTurnTest : public RealtimeTest {
 protected:
  // Caller speech followed by enough silence for the fake's VAD to end the turn.
  static std::string caller_turn() {
    return FakeOpenAiRealtime::speech(milliseconds(500)) +
           FakeOpenAiRealtime::silence(milliseconds(500));
  }
};

TEST_F(OpenAiRealtimeTurnTest, ACallerTurnGivesSpeechEdgesTranscriptsAudioAndUsage) {
  FakeOpenAiRealtimeOptions options;
  options.user_transcripts = {"Do you have a table for two tonight?"};
  options.replies = {{"Yes, we have a table at eight.", milliseconds(800), std::nullopt}};
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); }));
  push(*session, caller_turn());
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 1; }))
      << ::testing::PrintToString(recorder.order);

  EXPECT_EQ(recorder.count("speech_started"), 1U);
  EXPECT_EQ(recorder.count("speech_stopped"), 1U);
  EXPECT_LT(recorder.index_of("speech_started"), recorder.index_of("speech_stopped"));
  EXPECT_LT(recorder.index_of("speech_stopped"), recorder.index_of("user"));
  EXPECT_LT(recorder.index_of("user"), recorder.index_of("audio"));
  EXPECT_EQ(recorder.user_transcripts,
            std::vector<std::string>{"Do you have a table for two tonight?"});
  EXPECT_EQ(recorder.audio.size(), 6400U);  // 800 ms of μ-law
  EXPECT_EQ(recorder.agent_finals, std::vector<std::string>{"Yes, we have a table at eight."});
  std::string joined;
  for (const auto& delta : recorder.agent_deltas) joined += delta;
  EXPECT_EQ(joined, "Yes, we have a table at eight.");
  ASSERT_EQ(recorder.usages.size(), 1U);
  const auto& usage = recorder.usages[0];
  EXPECT_EQ(usage.output_audio_tokens, 16U);  // the fake: one per 50 ms
  EXPECT_EQ(usage.output_text_tokens, 7U);    // the fake: one per word
  EXPECT_EQ(usage.input_text_tokens, 120U);
  EXPECT_GT(usage.input_audio_tokens, 0U);
  EXPECT_EQ(usage.cached_text_tokens, 48U);
  EXPECT_EQ(usage.cached_audio_tokens, 16U);
  EXPECT_LT(recorder.index_of("usage"), recorder.index_of("done"));
  EXPECT_TRUE(recorder.errors.empty()) << ::testing::PrintToString(recorder.order);

  // The fake's VAD timeline: speech began at 0 ms of received audio and ended at 500 ms.
  const auto seen = only(fake);
  const auto started = json::parse(seen.sent_of("input_audio_buffer.speech_started").at(0));
  const auto stopped = json::parse(seen.sent_of("input_audio_buffer.speech_stopped").at(0));
  EXPECT_EQ(started.at("audio_start_ms"), 0);
  EXPECT_EQ(stopped.at("audio_end_ms"), 500);
  session->close();
}

TEST_F(OpenAiRealtimeTurnTest, InterruptTruncatesThePlayingItemAtWhatWasHeardAndDropsTheRest) {
  FakeOpenAiRealtimeOptions options;
  options.replies = {{"Let me tell you about all of our specials tonight.", milliseconds(4000),
                      std::nullopt}};
  options.delta_gap = milliseconds(40);  // 100 ms of audio every 40 ms
  options.late_deltas_after_cancel = 3;  // still in flight when the cancel lands
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); }));
  session->send_user_text("What are the specials?");
  ASSERT_TRUE(run_until([&] { return recorder.audio.size() >= 8 * 800; }));  // 800 ms delivered

  session->interrupt(milliseconds(640));
  run_until([] { return false; }, milliseconds(1));
  const auto audio_after_interrupt = recorder.audio.size();
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 1; }))
      << ::testing::PrintToString(recorder.order);
  EXPECT_EQ(recorder.audio.size(), audio_after_interrupt) << "audio arrived after the interrupt";

  ASSERT_TRUE(fake.wait_for([](const auto& c) { return c.at(0).count_sent("conversation.item.truncated") == 1; }));
  const auto seen = only(fake);
  ASSERT_EQ(seen.truncates.size(), 1U);
  const auto first_audio = json::parse(seen.sent_of("response.audio.delta").at(0));
  EXPECT_EQ(seen.truncates[0].item_id, std::string(first_audio.at("item_id").as_string()));
  EXPECT_EQ(seen.truncates[0].content_index, 0);
  EXPECT_EQ(seen.truncates[0].audio_end_ms, 640);
  EXPECT_EQ(seen.count_client("response.cancel"), 1U);
  EXPECT_EQ(seen.responses_cancelled, 1U);
  // The late deltas did reach the client, which dropped them.
  EXPECT_GE(seen.count_sent("response.audio.delta") * 800, audio_after_interrupt + 3 * 800);
  const auto done = json::parse(seen.sent_of("response.done").at(0));
  EXPECT_EQ(done.at("response").at("status"), "cancelled");
  EXPECT_TRUE(recorder.errors.empty()) << recorder.errors.at(0).first;
  session->close();
}

TEST_F(OpenAiRealtimeTurnTest, TruncationIsClampedToTheAudioDelivered) {
  FakeOpenAiRealtimeOptions options;
  options.replies = {{"A long answer.", milliseconds(4000), std::nullopt}};
  options.delta_gap = milliseconds(40);
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); }));
  session->send_user_text("Tell me everything.");
  ASSERT_TRUE(run_until([&] { return recorder.audio.size() >= 8 * 300; }));
  session->interrupt(milliseconds(60000));  // a playout clock ahead of the audio it was given
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 1; }));
  ASSERT_TRUE(fake.wait_for([](const auto& c) { return !c.at(0).truncates.empty(); }));
  const auto truncate = only(fake).truncates.at(0);
  // Nothing follows an interrupt, so all the audio delivered is what the truncate may cover.
  EXPECT_EQ(truncate.audio_end_ms, static_cast<std::int64_t>(recorder.audio.size() / 8));
  EXPECT_LT(truncate.audio_end_ms, 4000);
  EXPECT_LE(truncate.audio_end_ms, truncate.audio_sent_ms);
  EXPECT_TRUE(recorder.errors.empty()) << recorder.errors.at(0).first;
  session->close();
}

TEST_F(OpenAiRealtimeTurnTest, InterruptAfterTheResponseEndedOnlyTruncates) {
  FakeOpenAiRealtimeOptions options;
  options.replies = {{"Here is the whole answer.", milliseconds(1000), std::nullopt}};
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); }));
  session->send_user_text("Tell me.");
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 1; }));
  // Generated in full, but the line is still playing it when the caller speaks.
  session->interrupt(milliseconds(300));
  ASSERT_TRUE(run_until([&] { return fake.connections().at(0).count_sent("conversation.item.truncated") == 1; }));
  const auto seen = only(fake);
  EXPECT_EQ(seen.truncates.at(0).audio_end_ms, 300);
  EXPECT_EQ(seen.count_client("response.cancel"), 0U);
  EXPECT_EQ(seen.count_sent("error"), 0U);
  session->close();
}

TEST_F(OpenAiRealtimeTurnTest, AToolCallRoundTrips) {
  FakeOpenAiRealtimeOptions options;
  options.replies = {
      {"", milliseconds(0), fakes::FakeRealtimeFunctionCall{"book_table", R"({"size":2,"time":"20:00"})"}},
      {"Your table for two at eight is booked.", milliseconds(600), std::nullopt}};
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto config = session_config();
  config.tools.push_back({"book_table", "Books a table", R"({"type":"object"})"});
  auto session = realtime->open(context(), config, recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); }));
  push(*session, caller_turn());
  ASSERT_TRUE(run_until([&] { return !recorder.tool_calls.empty(); }))
      << ::testing::PrintToString(recorder.order);
  // The result goes back at once, while the function call's response may still be open.
  session->send_tool_result(recorder.tool_calls[0].id, R"({"booked":true})");
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 2; }))
      << ::testing::PrintToString(recorder.order);

  ASSERT_EQ(recorder.tool_calls.size(), 1U);  // the arguments' done and the item's done: once
  EXPECT_EQ(recorder.tool_calls[0].id, "call_1");
  EXPECT_EQ(recorder.tool_calls[0].name, "book_table");
  EXPECT_EQ(recorder.tool_calls[0].arguments, R"({"size":2,"time":"20:00"})");
  EXPECT_EQ(recorder.agent_finals, std::vector<std::string>{"Your table for two at eight is booked."});
  const auto seen = only(fake);
  const auto items = seen.client("conversation.item.create");
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(json::parse(items[0]), json::parse(R"({"type":"conversation.item.create","item":{
      "type":"function_call_output","call_id":"call_1","output":"{\"booked\":true}"}})"));
  EXPECT_EQ(seen.count_client("response.create"), 1U);
  EXPECT_EQ(seen.count_sent("error"), 0U) << ::testing::PrintToString(seen.sent_of("error"));
  EXPECT_TRUE(recorder.errors.empty());
  session->close();
}

TEST_F(OpenAiRealtimeTurnTest, UserTextIsAUserMessageAndAResponse) {
  FakeOpenAiRealtimeOptions options;
  options.replies = {{"You pressed five.", milliseconds(300), std::nullopt}};
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  session->send_user_text("[DTMF: 5]");  // before ready: held until the session is configured
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 1; }))
      << ::testing::PrintToString(recorder.order);
  const auto seen = only(fake);
  EXPECT_EQ(seen.client_types,
            (std::vector<std::string>{"session.update", "conversation.item.create", "response.create"}));
  EXPECT_EQ(json::parse(seen.client_messages[1]).at("item"), json::parse(R"({"type":"message",
      "role":"user","content":[{"type":"input_text","text":"[DTMF: 5]"}]})"));
  EXPECT_EQ(recorder.agent_finals, std::vector<std::string>{"You pressed five."});
  session->close();
}

TEST_F(OpenAiRealtimeTurnTest, SayReplacesTheResponseInProgressWithTheTextVerbatim) {
  FakeOpenAiRealtimeOptions options;
  options.replies = {{"Our competitor down the road is much better.", milliseconds(4000), std::nullopt}};
  options.delta_gap = milliseconds(40);
  options.late_deltas_after_cancel = 2;
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); }));
  session->send_user_text("Where else could I eat?");
  ASSERT_TRUE(run_until([&] { return recorder.audio.size() >= 8 * 400; }));
  const std::string replacement = "I can only help with bookings here.";
  session->say(replacement);
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 2; }))
      << ::testing::PrintToString(recorder.order);
  // The audio delivered after the cancelled response ended.
  std::size_t replacement_audio = 0;
  std::size_t chunk = 0;
  bool after_first_done = false;
  for (const auto& event : recorder.order) {
    if (event == "done") after_first_done = true;
    if (event != "audio") continue;
    if (after_first_done) replacement_audio += recorder.audio_chunks[chunk];
    ++chunk;
  }

  const auto seen = only(fake);
  EXPECT_EQ(seen.client_types,
            (std::vector<std::string>{"session.update", "conversation.item.create",
                                      "response.create", "response.cancel", "response.create"}));
  EXPECT_EQ(seen.response_instructions.at(1), verbatim_instructions(replacement));
  EXPECT_EQ(seen.count_sent("error"), 0U) << ::testing::PrintToString(seen.sent_of("error"));
  ASSERT_EQ(recorder.agent_finals.size(), 1U);  // the cancelled response never finished
  EXPECT_EQ(recorder.agent_finals[0], replacement);
  // The replacement's audio (the fake gives 40 ms per character) and none of the late deltas.
  EXPECT_EQ(replacement_audio, replacement.size() * 40 * 8);
  std::size_t first_response_deltas = 0;
  for (const auto& delta : seen.sent_of("response.audio.delta")) {
    if (json::parse(delta).at("response_id") == "resp_1") ++first_response_deltas;
  }
  const auto first_response_audio = recorder.audio.size() - replacement_audio;
  EXPECT_LE(first_response_audio + 2 * 800, first_response_deltas * 800);
  session->close();
}

}  // namespace
}  // namespace patter::providers::testing
