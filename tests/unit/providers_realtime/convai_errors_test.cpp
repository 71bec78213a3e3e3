// The ElevenLabs ConvAI engine when things go wrong: refused handshakes, closes, drops,
// malformed messages, no metadata, say(), close() and bad options.

#include <gmock/gmock.h>

#include <cstdlib>
#include <stdexcept>

#include <patter/realtime.hpp>

#include "convai_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeConvAiConversation;
using fakes::FakeElevenLabsConvAi;
using fakes::FakeElevenLabsConvAiOptions;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

using Conversations = std::vector<FakeConvAiConversation>;

class ConvAiErrorsTest : public ConvAiTest {};

TEST_F(ConvAiErrorsTest, AWrongKeyIsAFatalErrorNamingTheVariableAndTheAgent) {
  FakeElevenLabsConvAi fake;
  auto config = config_for(fake);
  config.api_key = "sk_wrong_key_0000000000";
  ElevenLabsConvAiEngine engine(config);
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.fatal.empty(); }));
  const auto& message = recorder.fatal.at(0);
  EXPECT_THAT(message, HasSubstr("HTTP 401"));
  EXPECT_THAT(message, HasSubstr("ELEVENLABS_API_KEY"));
  EXPECT_THAT(message, HasSubstr(fake.options().agent_id));
  EXPECT_THAT(message, HasSubstr("Invalid API key"));
  EXPECT_THAT(message, Not(HasSubstr("sk_wrong_key")));
  EXPECT_EQ(recorder.order, std::vector<std::string>{"fatal"});
}

TEST_F(ConvAiErrorsTest, AWrongKeyForTheSignedUrlIsFatalToo) {
  FakeElevenLabsConvAi fake;
  auto config = config_for(fake);
  config.api_key = "sk_wrong_key_0000000000";
  config.signed_url = true;
  ElevenLabsConvAiEngine engine(config);
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.fatal.empty(); }));
  EXPECT_THAT(recorder.fatal.at(0), HasSubstr("signed-URL request"));
  EXPECT_THAT(recorder.fatal.at(0), HasSubstr("ELEVENLABS_API_KEY"));
  EXPECT_TRUE(fake.conversations().empty());
}

TEST_F(ConvAiErrorsTest, AnUnknownAgentIsNamed) {
  FakeElevenLabsConvAi fake;
  auto config = config_for(fake);
  config.agent_id = "agent_nobody";
  ElevenLabsConvAiEngine engine(config);
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.fatal.empty(); }));
  EXPECT_THAT(recorder.fatal.at(0), HasSubstr("agent \"agent_nobody\" (ELEVENLABS_AGENT_ID)"));
  EXPECT_THAT(recorder.fatal.at(0), HasSubstr("HTTP 404"));
}

TEST_F(ConvAiErrorsTest, AServerCloseWithAReasonIsFatalAndQuotesIt) {
  FakeElevenLabsConvAiOptions options;
  options.close_after_initiation = "Override for field 'tts.voice_id' is not allowed by config.";
  FakeElevenLabsConvAi fake(options);
  ElevenLabsConvAiEngine engine(config_for(fake));
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.fatal.empty(); }));
  EXPECT_THAT(recorder.fatal.at(0), HasSubstr("1008"));
  EXPECT_THAT(recorder.fatal.at(0), HasSubstr(options.close_after_initiation));
  EXPECT_THAT(recorder.fatal.at(0), HasSubstr("security settings"));
  EXPECT_FALSE(recorder.ready());
}

TEST_F(ConvAiErrorsTest, ADroppedSocketIsFatalAndNothingHangs) {
  FakeElevenLabsConvAiOptions options;
  options.drop_after_audio_events = 1;
  FakeElevenLabsConvAi fake(options);
  ElevenLabsConvAiEngine engine(config_for(fake));
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(std::string(100, 'c')), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.fatal.empty(); }))
      << ::testing::PrintToString(recorder.order);
  EXPECT_THAT(recorder.fatal.at(0), HasSubstr("connection lost"));
  EXPECT_EQ(recorder.order.back(), "fatal");
  // Nothing follows a fatal error, whatever the call still does.
  const auto events = recorder.order.size();
  push(*session, caller_turn());
  session->send_user_text("hello?");
  run_for(milliseconds(300));
  EXPECT_EQ(recorder.order.size(), events);
}

TEST_F(ConvAiErrorsTest, MalformedMessagesAreSkipped) {
  FakeElevenLabsConvAiOptions options;
  options.malformed_messages = true;
  FakeElevenLabsConvAi fake(options);
  ElevenLabsConvAiEngine engine(config_for(fake));
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.responses.size() == 1; }))
      << ::testing::PrintToString(recorder.order);
  EXPECT_EQ(recorder.responses.at(0), fake.audio_for("Hi there, how can I help?", "ulaw_8000"));
  EXPECT_EQ(recorder.order, (std::vector<std::string>{"ready", "audio", "final", "done"}));
  session->close();
}

TEST_F(ConvAiErrorsTest, NoMetadataInTimeIsFatal) {
  FakeElevenLabsConvAiOptions options;
  options.send_metadata = false;
  FakeElevenLabsConvAi fake(options);
  auto config = config_for(fake);
  config.ready_timeout = milliseconds(300);
  ElevenLabsConvAiEngine engine(config);
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.fatal.empty(); }));
  EXPECT_THAT(recorder.fatal.at(0), HasSubstr("no conversation_initiation_metadata within 300 ms"));
  ASSERT_TRUE(run_until_fake(fake, [](const Conversations& c) { return c.at(0).ended; }));
}

TEST_F(ConvAiErrorsTest, CloseEndsEveryEvent) {
  FakeElevenLabsConvAiOptions options;
  options.event_interval = milliseconds(20);
  FakeElevenLabsConvAi fake(options);
  ElevenLabsConvAiEngine engine(config_for(fake));
  ConvAiRecorder recorder;
  auto session = engine.open(context(), session_config(std::string(300, 'd')), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.current_audio.empty(); }));
  session->close();
  const auto events = recorder.order.size();
  const auto audio = recorder.current_audio.size();
  run_for(milliseconds(400));
  EXPECT_EQ(recorder.order.size(), events);
  EXPECT_EQ(recorder.current_audio.size(), audio);
  EXPECT_TRUE(recorder.fatal.empty());
  ASSERT_TRUE(run_until_fake(fake, [](const Conversations& c) { return c.at(0).ended; }));
  EXPECT_EQ(fake.conversations().at(0).client_close_code, 1000);
}

TEST_F(ConvAiErrorsTest, SayIsARecoverableErrorThatCutsTheResponse) {
  FakeElevenLabsConvAiOptions options;
  options.event_interval = milliseconds(50);
  FakeElevenLabsConvAi fake(options);
  ElevenLabsConvAiEngine engine(config_for(fake));
  ConvAiRecorder recorder;
  const std::string greeting(300, 'e');
  auto session = engine.open(context(), session_config(greeting), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.current_audio.empty(); }));
  session->say("I cannot talk about that.");
  ASSERT_TRUE(run_until([&] { return recorder.responses.size() == 1; }));
  ASSERT_EQ(recorder.errors.size(), 1U);
  EXPECT_THAT(recorder.errors.at(0), HasSubstr("word for word"));
  EXPECT_TRUE(recorder.fatal.empty());
  EXPECT_LT(recorder.responses.at(0).size(), fake.audio_for(greeting, "ulaw_8000").size());
  // The rest of the greeting keeps coming, and is not played.
  run_for(milliseconds(400));
  EXPECT_TRUE(recorder.current_audio.empty());
  EXPECT_EQ(recorder.responses.size(), 1U);
  // The conversation goes on.
  push(*session, caller_turn());
  ASSERT_TRUE(run_until([&] { return recorder.user_transcripts.size() == 1; }));
  session->close();
}

TEST(ConvAiFactoryTest, NamesTheMissingKeyAndAgentId) {
  ::unsetenv("ELEVENLABS_API_KEY");
  ::unsetenv("ELEVENLABS_AGENT_ID");
  try {
    (void)realtime::elevenlabs_convai({});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("ELEVENLABS_API_KEY"));
  }
  realtime::ElevenLabsConvAiOptions options;
  options.api_key = "sk_test_0123456789";
  try {
    (void)realtime::elevenlabs_convai(options);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("ELEVENLABS_AGENT_ID"));
  }
  ::setenv("ELEVENLABS_AGENT_ID", "agent_from_env", 1);
  const auto engine = realtime::elevenlabs_convai(options);
  ::unsetenv("ELEVENLABS_AGENT_ID");
  EXPECT_EQ(engine->name(), "elevenlabs_convai");
  EXPECT_EQ(dynamic_cast<ElevenLabsConvAiEngine&>(*engine).config().agent_id, "agent_from_env");
  options.agent_id = "agent_1";
  options.voice = "not-a-voice";
  EXPECT_THROW((void)realtime::elevenlabs_convai(options), std::invalid_argument);
  options.voice = "Rachel";
  options.input_chunk = milliseconds(5);
  EXPECT_THROW((void)realtime::elevenlabs_convai(options), std::invalid_argument);
  options.input_chunk = milliseconds(60);
  const auto valid = realtime::elevenlabs_convai(options);
  EXPECT_EQ(dynamic_cast<ElevenLabsConvAiEngine&>(*valid).config().voice_id,
            "21m00Tcm4TlvDq8ikWAM");
}

}  // namespace
}  // namespace patter::providers::testing
