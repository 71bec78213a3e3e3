// How the Deepgram client fails: a rejected key, rate limiting, a malformed message and a
// server that closes the stream on purpose, each as one clear on_error.

#include <chrono>

#include "deepgram_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeDeepgram;
using fakes::FakeDeepgramOptions;
using std::chrono::milliseconds;

class DeepgramErrorsTest : public DeepgramTest {};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST_F(DeepgramErrorsTest, ARejectedKeyNamesTheVariableAndIsNotRetried) {
  FakeDeepgram fake;
  auto config = config_for(fake);
  config.api_key = "dg-wrong-key";
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeDeepgram::silence(milliseconds(100)));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  const auto& message = recorder.errors.front();
  EXPECT_TRUE(contains(message, "DEEPGRAM_API_KEY")) << message;
  EXPECT_TRUE(contains(message, "401")) << message;
  EXPECT_TRUE(contains(message, "Invalid credentials")) << message;
  EXPECT_FALSE(contains(message, "dg-wrong-key")) << message;
  EXPECT_EQ(fake.streams().size(), 1U);
  EXPECT_EQ(recorder.order, std::vector<std::string>{"error"});
}

TEST_F(DeepgramErrorsTest, ForbiddenIsAnAuthenticationErrorToo) {
  FakeDeepgramOptions options;
  options.reject_status = 403;
  FakeDeepgram fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "DEEPGRAM_API_KEY")) << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "403")) << recorder.errors.front();
}

TEST_F(DeepgramErrorsTest, RateLimitingThatPersistsFailsTheStream) {
  FakeDeepgramOptions options;
  options.reject_status = 429;
  FakeDeepgram fake(options);
  auto config = config_for(fake);
  config.reconnect_attempts = 2;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] {
    clock_->advance(milliseconds(50));
    return !recorder.errors.empty();
  }));
  EXPECT_TRUE(contains(recorder.errors.front(), "rate limited")) << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "429")) << recorder.errors.front();
  EXPECT_EQ(fake.streams().size(), 3U);  // the first try and two more
}

TEST_F(DeepgramErrorsTest, RateLimitingOnceIsRiddenOutWithoutLosingAudio) {
  FakeDeepgramOptions options;
  options.reject_status = 429;
  options.reject_connections = 1;
  FakeDeepgram fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello"}) + FakeDeepgram::silence(milliseconds(300)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"hello"});
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

TEST_F(DeepgramErrorsTest, AMalformedMessageIsAClearError) {
  FakeDeepgramOptions options;
  options.malformed_after_bytes = 160;
  FakeDeepgram fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeDeepgram::silence(milliseconds(100)));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "deepgram: malformed message from the server"))
      << recorder.errors.front();
  ASSERT_TRUE(run_until([&] { return fake.streams().at(0).ended; }));
  EXPECT_EQ(fake.streams().at(0).control, std::vector<std::string>{"CloseStream"});
  EXPECT_EQ(fake.streams().size(), 1U);
}

TEST_F(DeepgramErrorsTest, ABadRequestIsRefusedAndFinal) {
  FakeDeepgramOptions options;
  options.reject_status = 400;
  FakeDeepgram fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "refused (HTTP 400)")) << recorder.errors.front();
  EXPECT_EQ(fake.streams().size(), 1U);
}

TEST_F(DeepgramErrorsTest, NoServerFailsAfterTheReconnectAttempts) {
  DeepgramConfig config;
  config.api_key = "dg-test-key";
  config.base_url = "ws://127.0.0.1:1/v1/listen";
  config.reconnect_attempts = 1;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] {
    clock_->advance(milliseconds(50));
    return !recorder.errors.empty();
  }));
  EXPECT_TRUE(contains(recorder.errors.front(), "deepgram: cannot connect"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "after 1 reconnect attempts"))
      << recorder.errors.front();
}

}  // namespace
}  // namespace patter::providers::testing
