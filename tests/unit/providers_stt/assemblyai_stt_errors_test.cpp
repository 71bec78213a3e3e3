// How the AssemblyAI client fails: a rejected key (at the upgrade or by a 1008 close), rate
// limiting, server errors that reconnect, refusals that do not, and a malformed message, each as
// one clear on_error or none.

#include <chrono>

#include "assemblyai_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeAssemblyAi;
using fakes::FakeAssemblyAiOptions;
using std::chrono::milliseconds;

class AssemblyAiErrorsTest : public AssemblyAiTest {};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST_F(AssemblyAiErrorsTest, ARejectedKeyNamesTheVariableAndIsNotRetried) {
  FakeAssemblyAi fake;
  auto config = config_for(fake);
  config.api_key = "aai-wrong-key";
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeAssemblyAi::silence(milliseconds(100)));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  const auto& message = recorder.errors.front();
  EXPECT_TRUE(contains(message, "ASSEMBLYAI_API_KEY")) << message;
  EXPECT_TRUE(contains(message, "401")) << message;
  EXPECT_TRUE(contains(message, "Invalid API key")) << message;
  EXPECT_FALSE(contains(message, "aai-wrong-key")) << message;
  EXPECT_EQ(fake.streams().size(), 1U);
  EXPECT_EQ(recorder.order, std::vector<std::string>{"error"});
}

TEST_F(AssemblyAiErrorsTest, AnUnauthorizedCloseNamesTheVariableToo) {
  FakeAssemblyAiOptions options;
  options.close_code = 1008;
  options.close_error = "Unauthorized Connection: Missing Authorization header";
  options.close_connections = 100;
  FakeAssemblyAi fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  const auto& message = recorder.errors.front();
  EXPECT_TRUE(contains(message, "ASSEMBLYAI_API_KEY")) << message;
  EXPECT_TRUE(contains(message, "1008 Unauthorized Connection: Missing Authorization header"))
      << message;
  EXPECT_EQ(fake.streams().size(), 1U);
}

TEST_F(AssemblyAiErrorsTest, RateLimitingThatPersistsFailsTheStream) {
  FakeAssemblyAiOptions options;
  options.reject_status = 429;
  FakeAssemblyAi fake(options);
  auto config = config_for(fake);
  config.reconnect_attempts = 2;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] {
    clock_->advance(milliseconds(50));
    return !recorder.errors.empty();
  }));
  EXPECT_TRUE(contains(recorder.errors.front(), "rate limited (HTTP 429)"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "after 2 reconnect attempts"))
      << recorder.errors.front();
  EXPECT_EQ(fake.streams().size(), 3U);
}

TEST_F(AssemblyAiErrorsTest, RateLimitingOnceIsRiddenOutWithoutLosingAudio) {
  FakeAssemblyAiOptions options;
  options.reject_status = 429;
  options.reject_connections = 1;
  FakeAssemblyAi fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio = fake.speech({"hello"}) + FakeAssemblyAi::silence(milliseconds(600));
  push(*stream, audio);
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"hello"});
  EXPECT_TRUE(recorder.errors.empty());
  ASSERT_TRUE(run_until([&] { return seen(fake, 1).audio.size() == audio.size(); }));
  EXPECT_TRUE(seen(fake, 1).audio == audio);
  stream->close();
}

TEST_F(AssemblyAiErrorsTest, TooManyConcurrentSessionsIsRetried) {
  FakeAssemblyAiOptions options;
  options.close_code = 3009;
  options.close_error = "Unauthorized Connection: Too many concurrent sessions";
  FakeAssemblyAi fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"two"}) + FakeAssemblyAi::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"two"});
  EXPECT_TRUE(recorder.errors.empty());
  EXPECT_EQ(fake.streams().size(), 2U);
  EXPECT_EQ(seen(fake).server_close_code, 3009);
  stream->close();
}

TEST_F(AssemblyAiErrorsTest, AServerErrorCloseReconnects) {
  FakeAssemblyAiOptions options;
  options.close_code = 3005;
  FakeAssemblyAi fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return fake.streams().size() == 2; }));
  push(*stream, fake.speech({"please"}) + FakeAssemblyAi::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

TEST_F(AssemblyAiErrorsTest, ARefusedMessageIsFinalAndQuotesTheServer) {
  FakeAssemblyAiOptions options;
  options.close_code = 3006;
  options.close_error = "Invalid Message Type: Hello";
  options.close_connections = 100;
  FakeAssemblyAi fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_EQ(recorder.errors.front(),
            "assemblyai: the stream was closed (3006 Invalid Message Type: Hello)");
  EXPECT_EQ(fake.streams().size(), 1U);
}

TEST_F(AssemblyAiErrorsTest, AMalformedMessageIsAClearError) {
  FakeAssemblyAiOptions options;
  options.malformed_after_bytes = 400;
  FakeAssemblyAi fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeAssemblyAi::silence(milliseconds(100)));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "assemblyai: malformed message from the server"))
      << recorder.errors.front();
  ASSERT_TRUE(run_until([&] { return seen(fake).ended; }));
  EXPECT_EQ(seen(fake).control, std::vector<std::string>{"Terminate"});
  EXPECT_EQ(fake.streams().size(), 1U);
}

TEST_F(AssemblyAiErrorsTest, ABadRequestIsRefusedAndFinal) {
  FakeAssemblyAiOptions options;
  options.reject_status = 400;
  FakeAssemblyAi fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "refused (HTTP 400)")) << recorder.errors.front();
  EXPECT_EQ(fake.streams().size(), 1U);
}

TEST_F(AssemblyAiErrorsTest, NoServerFailsAfterTheReconnectAttempts) {
  AssemblyAiConfig config;
  config.api_key = "aai-test-key";
  config.base_url = "ws://127.0.0.1:1/v3/ws";
  config.reconnect_attempts = 1;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] {
    clock_->advance(milliseconds(50));
    return !recorder.errors.empty();
  }));
  EXPECT_TRUE(contains(recorder.errors.front(), "assemblyai: cannot connect"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "after 1 reconnect attempts"))
      << recorder.errors.front();
}

}  // namespace
}  // namespace patter::providers::testing
