// The ElevenLabs ConvAI engine against the fake ConvAI server, through real sockets: the
// initiation, audio both ways, turns, pings, interruptions, tools, the signed URL and PCM agents.

#include <boost/json.hpp>

#include "audio/codec.hpp"

#include "convai_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeConvAiConversation;
using fakes::FakeConvAiToolCall;
using fakes::FakeElevenLabsConvAi;
using fakes::FakeElevenLabsConvAiOptions;
using std::chrono::milliseconds;

using Conversations = std::vector<FakeConvAiConversation>;

class ConvAiConversationTest : public ConvAiTest {};

TEST_F(ConvAiConversationTest, AFullConversationPassesTheCarrierAudioThroughBothWays) {
  FakeElevenLabsConvAi fake;
  ElevenLabsConvAiEngine engine(config_for(fake));
  EXPECT_EQ(engine.name(), "elevenlabs_convai");
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());

  ASSERT_TRUE(run_until([&] { return recorder.responses.size() == 1; }))
      << ::testing::PrintToString(recorder.order);
  const auto seen = fake.conversations().at(0);
  EXPECT_EQ(seen.initiation,
            R"({"type":"conversation_initiation_client_data","conversation_config_override":)"
            R"({"agent":{"prompt":{"prompt":"You are a test agent."},)"
            R"("first_message":"Hi there, how can I help?","language":"en"},)"
            R"("tts":{"voice_id":"21m00Tcm4TlvDq8ikWAM","output_format":"ulaw_8000"},)"
            R"("asr":{"input_format":"ulaw_8000"}}})");
  EXPECT_EQ(seen.header("xi-api-key"), fake.options().api_key);
  EXPECT_EQ(seen.query_param("agent_id"), fake.options().agent_id);
  EXPECT_EQ(seen.output_format, "ulaw_8000");
  EXPECT_EQ(seen.input_format, "ulaw_8000");
  // The agent's μ-law reaches the call byte for byte, each audio event as it came.
  EXPECT_EQ(recorder.responses.at(0), fake.audio_for("Hi there, how can I help?", "ulaw_8000"));
  EXPECT_EQ(recorder.chunk_sizes.front(), 800U);  // 100 ms per audio event
  EXPECT_EQ(recorder.agent_finals, std::vector<std::string>{"Hi there, how can I help?"});
  EXPECT_EQ(recorder.order, (std::vector<std::string>{"ready", "audio", "final", "done"}));

  const auto turn = caller_turn();
  push(*session, turn);
  ASSERT_TRUE(run_until([&] { return recorder.responses.size() == 2; }))
      << ::testing::PrintToString(recorder.order);
  EXPECT_EQ(recorder.user_transcripts, std::vector<std::string>{"I need help"});
  EXPECT_EQ(recorder.agent_finals.at(1), "Sure, what do you need?");
  EXPECT_EQ(recorder.responses.at(1), fake.audio_for("Sure, what do you need?", "ulaw_8000"));
  ASSERT_TRUE(run_until_fake(
      fake, [&](const Conversations& c) { return c.at(0).user_audio_bytes == turn.size(); }));
  // 60 ms of μ-law per user_audio_chunk, the rest flushed on its own.
  const auto heard = fake.conversations().at(0);
  EXPECT_EQ(heard.user_audio_chunks, (turn.size() + 479) / 480);
  EXPECT_TRUE(heard.problems.empty()) << ::testing::PrintToString(heard.problems);
  EXPECT_TRUE(recorder.errors.empty() && recorder.fatal.empty());
  session->close();
  ASSERT_TRUE(run_until_fake(fake, [](const Conversations& c) { return c.at(0).ended; }));
  EXPECT_EQ(fake.conversations().at(0).client_close_code, 1000);
}

TEST_F(ConvAiConversationTest, AnswersEveryPingWithItsEventId) {
  FakeElevenLabsConvAiOptions options;
  options.ping_interval = milliseconds(30);
  options.ping_ms = 5;
  FakeElevenLabsConvAi fake(options);
  ElevenLabsConvAiEngine engine(config_for(fake));
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until_fake(
      fake, [](const Conversations& c) { return !c.empty() && c.at(0).pongs.size() >= 3; }));
  session->close();
  const auto seen = fake.conversations().at(0);
  ASSERT_GE(seen.pings.size(), 3U);
  EXPECT_EQ(std::vector<std::int64_t>(seen.pongs.begin(), seen.pongs.begin() + 3),
            std::vector<std::int64_t>(seen.pings.begin(), seen.pings.begin() + 3));
  EXPECT_TRUE(seen.problems.empty()) << ::testing::PrintToString(seen.problems);
}

TEST_F(ConvAiConversationTest, AnInterruptionDropsTheRestOfTheOldResponse) {
  FakeElevenLabsConvAi fake;
  ElevenLabsConvAiEngine engine(config_for(fake));
  ConvAiRecorder recorder;
  const std::string long_greeting(300, 'a');  // 3 s of agent audio
  auto session = engine.open(context(), session_config(long_greeting), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.current_audio.empty(); }));

  push(*session, caller_turn());
  ASSERT_TRUE(run_until([&] { return recorder.responses.size() == 2; }))
      << ::testing::PrintToString(recorder.order);
  ASSERT_EQ(fake.conversations().at(0).interruptions.size(), 1U);
  EXPECT_EQ(recorder.count("interrupted"), 1U);
  // Only audio of the greeting itself was played: the quieter event the fake still sent with
  // the interrupted id after the interruption was dropped.
  const auto greeting = fake.audio_for(long_greeting, "ulaw_8000");
  const auto& played = recorder.responses.at(0);
  ASSERT_LE(played.size(), greeting.size());
  EXPECT_EQ(played, greeting.substr(0, played.size()));
  // The greeting's transcript is what the caller heard, from the correction (nothing at all
  // when the interruption came within its first character).
  ASSERT_FALSE(recorder.agent_finals.empty());
  EXPECT_EQ(recorder.agent_finals.back(), "Sure, what do you need?");
  for (const auto& text : recorder.agent_finals) EXPECT_LT(text.size(), long_greeting.size());
  EXPECT_EQ(recorder.responses.at(1), fake.audio_for("Sure, what do you need?", "ulaw_8000"));
  const auto interrupted = std::find(recorder.order.begin(), recorder.order.end(), "interrupted");
  const auto first_done = std::find(recorder.order.begin(), recorder.order.end(), "done");
  EXPECT_LT(interrupted, first_done);
  session->close();
}

TEST_F(ConvAiConversationTest, InterruptOnOurSideStopsPlayingTheResponse) {
  FakeElevenLabsConvAiOptions options;
  options.event_interval = milliseconds(50);  // 100 ms of audio every 50 ms
  FakeElevenLabsConvAi fake(options);
  ElevenLabsConvAiEngine engine(config_for(fake));
  ConvAiRecorder recorder;
  const std::string long_greeting(300, 'b');
  auto session = engine.open(context(), session_config(long_greeting), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.current_audio.empty(); }));

  session->interrupt(milliseconds(100));
  ASSERT_TRUE(run_until([&] { return recorder.responses.size() == 1; }));
  EXPECT_LT(recorder.responses.at(0).size(), fake.audio_for(long_greeting, "ulaw_8000").size());
  EXPECT_EQ(recorder.count("interrupted"), 0U);  // ConvAI did not interrupt; the call did
  // The rest of the greeting keeps coming, and is not played.
  run_for(milliseconds(400));
  EXPECT_TRUE(recorder.current_audio.empty());
  ASSERT_TRUE(run_until_fake(
      fake, [](const Conversations& c) { return c.at(0).count("user_activity") == 1; }));
  session->close();
}

TEST_F(ConvAiConversationTest, AToolCallRoundTrips) {
  FakeElevenLabsConvAiOptions options;
  options.turns = {{"What is the weather in Rome?",
                    FakeConvAiToolCall{"get_weather", "tc_1", R"({"city":"Rome"})"},
                    "It is sunny in Rome."}};
  FakeElevenLabsConvAi fake(options);
  ElevenLabsConvAiEngine engine(config_for(fake));
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.responses.size() == 1; }));

  push(*session, caller_turn());
  ASSERT_TRUE(run_until([&] { return !recorder.tool_calls.empty(); }));
  EXPECT_EQ(recorder.tool_calls.at(0), (ToolCall{"tc_1", "get_weather", R"({"city":"Rome"})"}));
  session->send_tool_result("tc_1", "sunny, 24 C");
  ASSERT_TRUE(run_until([&] { return recorder.responses.size() == 2; }));
  EXPECT_EQ(recorder.agent_finals.at(1), "It is sunny in Rome.");

  const auto seen = fake.conversations().at(0);
  ASSERT_EQ(seen.tool_results.size(), 1U);
  EXPECT_EQ(boost::json::parse(seen.tool_results.at(0)),
            boost::json::parse(R"({"type":"client_tool_result","tool_call_id":"tc_1",)"
                               R"("result":"sunny, 24 C","is_error":false})"));
  EXPECT_TRUE(seen.problems.empty()) << ::testing::PrintToString(seen.problems);
  session->close();
}

TEST_F(ConvAiConversationTest, UserTextGoesOutAsAUserMessage) {
  FakeElevenLabsConvAi fake;
  ElevenLabsConvAiEngine engine(config_for(fake));
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());
  session->send_user_text("1234#");  // before the conversation is ready: sent once it is
  ASSERT_TRUE(run_until([&] { return recorder.responses.size() == 2; }));
  const auto seen = fake.conversations().at(0);
  EXPECT_EQ(seen.user_messages, std::vector<std::string>{"1234#"});
  EXPECT_EQ(recorder.agent_finals.at(1), "Sure, what do you need?");
  session->close();
}

TEST_F(ConvAiConversationTest, ASignedUrlConnectsWithoutTheKey) {
  FakeElevenLabsConvAi fake;
  auto config = config_for(fake);
  config.signed_url = true;
  ElevenLabsConvAiEngine engine(config);
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.responses.size() == 1; }))
      << ::testing::PrintToString(recorder.fatal);
  EXPECT_EQ(fake.signed_url_requests(), 1U);
  const auto seen = fake.conversations().at(0);
  EXPECT_TRUE(seen.signed_url);
  EXPECT_FALSE(seen.header("xi-api-key").has_value());
  EXPECT_EQ(seen.query_param("conversation_signature"), "sig_fake_1");
  EXPECT_EQ(recorder.responses.at(0), fake.audio_for("Hi there, how can I help?", "ulaw_8000"));
  session->close();
}

TEST_F(ConvAiConversationTest, APcmAgentIsConvertedToCarrierFramesBothWays) {
  FakeElevenLabsConvAiOptions options;
  options.force_pcm_output = true;
  options.force_pcm_input = true;
  FakeElevenLabsConvAi fake(options);
  ElevenLabsConvAiEngine engine(config_for(fake));
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.responses.size() == 1; }));
  EXPECT_EQ(fake.conversations().at(0).output_format, "pcm_16000");

  // 250 ms of PCM16 16 kHz became 20 ms μ-law frames: 12.5 frames of speech, the last padded.
  ASSERT_FALSE(recorder.chunk_sizes.empty());
  for (const auto size : recorder.chunk_sizes) EXPECT_EQ(size, 160U);
  EXPECT_GE(recorder.chunk_sizes.size(), 13U);
  EXPECT_LE(recorder.chunk_sizes.size(), 14U);
  // It is still the agent's tone: loud in the middle, as the PCM was.
  const auto& audio = recorder.responses.at(0);
  std::vector<std::int16_t> decoded(160);
  audio::decode_samples(Encoding::mulaw,
                        {reinterpret_cast<const std::uint8_t*>(audio.data()) + 800, 160}, decoded);
  double level = 0;
  for (const auto sample : decoded) level += std::abs(static_cast<double>(sample));
  EXPECT_GT(level / 160.0, 2000.0);

  // The caller's μ-law goes out as PCM16 16 kHz: four bytes for each one.
  const auto speech = FakeElevenLabsConvAi::caller_speech(milliseconds(400));
  push(*session, speech);
  ASSERT_TRUE(run_until_fake(
      fake, [&](const Conversations& c) { return c.at(0).user_audio_bytes >= speech.size() * 3; }));
  const auto sent = fake.conversations().at(0).user_audio_bytes;
  EXPECT_LE(sent, speech.size() * 4);
  EXPECT_EQ(sent % 2, 0U);
  session->close();
}

}  // namespace
}  // namespace patter::providers::testing
