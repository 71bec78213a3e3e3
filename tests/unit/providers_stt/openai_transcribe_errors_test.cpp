// How the Realtime transcription client fails: a rejected key, rate limiting, server errors, a
// refused session, a malformed event and no server at all, each as one clear on_error.

#include <chrono>

#include "openai_transcribe_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeOpenAiAudio;
using fakes::FakeOpenAiAudioOptions;
using std::chrono::milliseconds;

class OpenAiSttErrorsTest : public OpenAiTranscribeTest {};

TEST_F(OpenAiSttErrorsTest, ARejectedKeyNamesTheVariableAndIsNotRetried) {
  FakeOpenAiAudio fake;
  auto config = config_for(fake);
  config.api_key = "sk-wrong-key-000000";
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeOpenAiAudio::silence(milliseconds(100)));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  const auto& message = recorder.errors.front();
  EXPECT_TRUE(contains(message, "openai_transcribe: the API key was rejected")) << message;
  EXPECT_TRUE(contains(message, "OPENAI_API_KEY")) << message;
  EXPECT_TRUE(contains(message, "HTTP 401")) << message;
  EXPECT_TRUE(contains(message, "(invalid_api_key)")) << message;
  EXPECT_FALSE(contains(message, "sk-wrong-key")) << message;
  EXPECT_EQ(fake.sockets().size(), 1U);
  EXPECT_EQ(recorder.order, std::vector<std::string>{"error"});
}

TEST_F(OpenAiSttErrorsTest, ForbiddenIsAnAuthenticationErrorToo) {
  FakeOpenAiAudioOptions options;
  options.reject_status = 403;
  FakeOpenAiAudio fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "OPENAI_API_KEY")) << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "HTTP 403")) << recorder.errors.front();
  EXPECT_EQ(fake.sockets().size(), 1U);
}

TEST_F(OpenAiSttErrorsTest, RateLimitingThatPersistsFailsTheStream) {
  FakeOpenAiAudioOptions options;
  options.reject_status = 429;
  FakeOpenAiAudio fake(options);
  auto config = config_for(fake);
  config.reconnect_attempts = 2;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] {
    clock_->advance(milliseconds(50));
    return !recorder.errors.empty();
  }));
  EXPECT_TRUE(contains(recorder.errors.front(), "rate limited (HTTP 429"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "after 2 reconnect attempts"))
      << recorder.errors.front();
  EXPECT_EQ(fake.sockets().size(), 3U);  // the first try and two more
}

TEST_F(OpenAiSttErrorsTest, RateLimitingHonoursRetryAfter) {
  FakeOpenAiAudioOptions options;
  options.reject_status = 429;
  options.reject_connections = 1;
  options.reject_retry_after_s = 2;
  FakeOpenAiAudio fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello"}) + FakeOpenAiAudio::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return first_socket(fake).ended && clock_->pending() > 0; }));
  clock_->advance(milliseconds(1900));
  run_for(milliseconds(50));
  EXPECT_EQ(fake.sockets().size(), 1U);  // still waiting out the Retry-After
  clock_->advance(milliseconds(100));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"hello"});  // no audio lost
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

TEST_F(OpenAiSttErrorsTest, AServerErrorAtTheUpgradeIsRetried) {
  FakeOpenAiAudioOptions options;
  options.reject_status = 503;
  options.reject_connections = 1;
  FakeOpenAiAudio fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"two"}) + FakeOpenAiAudio::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"two"});
  EXPECT_EQ(fake.sockets().size(), 2U);
  stream->close();
}

TEST_F(OpenAiSttErrorsTest, ARefusedSessionUpdateFailsTheStream) {
  FakeOpenAiAudio fake;
  auto config = config_for(fake);
  config.model = "gpt-9-transcribe";
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "Invalid value: 'gpt-9-transcribe'"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "(invalid_value)")) << recorder.errors.front();
  ASSERT_TRUE(run_until([&] { return first_socket(fake).ended; }));
  EXPECT_EQ(first_socket(fake).client_close_code, 1000);
  EXPECT_EQ(fake.sockets().size(), 1U);
}

TEST_F(OpenAiSttErrorsTest, AMalformedEventIsAClearError) {
  FakeOpenAiAudioOptions options;
  options.malformed_after_bytes = 160;
  FakeOpenAiAudio fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeOpenAiAudio::silence(milliseconds(100)));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(),
                       "openai_transcribe: malformed message from the server: not a JSON object"))
      << recorder.errors.front();
  ASSERT_TRUE(run_until([&] { return first_socket(fake).ended; }));
  EXPECT_EQ(fake.sockets().size(), 1U);
}

TEST_F(OpenAiSttErrorsTest, NoServerFailsAfterTheReconnectAttempts) {
  OpenAiTranscribeConfig config;
  config.api_key = "sk-test";
  config.base_url = "http://127.0.0.1:1/v1";
  config.reconnect_attempts = 1;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] {
    clock_->advance(milliseconds(50));
    return !recorder.errors.empty();
  }));
  EXPECT_TRUE(contains(recorder.errors.front(), "openai_transcribe: cannot connect"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "after 1 reconnect attempts"))
      << recorder.errors.front();
}

}  // namespace
}  // namespace patter::providers::testing
