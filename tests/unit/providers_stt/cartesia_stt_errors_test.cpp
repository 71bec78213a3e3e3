// How the Cartesia speech-to-text client fails and recovers: a rejected key, rate limiting,
// server errors, malformed messages, and a socket dropped mid-utterance that is reconnected
// and replayed without losing or repeating a word.

#include <chrono>

#include "cartesia_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeCartesia;
using fakes::FakeCartesiaOptions;
using std::chrono::milliseconds;

using CartesiaErrorsTest = CartesiaSttTest;

TEST_F(CartesiaErrorsTest, ARejectedKeyNamesTheVariableAndIsNotRetried) {
  FakeCartesia fake;
  auto config = config_for(fake);
  config.api_key = "sk_car_wrong_key_777";
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeCartesia::silence(milliseconds(100)));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  const auto& message = recorder.errors.front();
  EXPECT_TRUE(contains(message, "cartesia_stt: the API key was rejected (HTTP 401)")) << message;
  EXPECT_TRUE(contains(message, "CARTESIA_API_KEY")) << message;
  EXPECT_TRUE(contains(message, "Invalid API key")) << message;
  EXPECT_FALSE(contains(message, "sk_car_wrong_key_777")) << message;
  EXPECT_EQ(fake.stt_streams().size(), 1U);
  EXPECT_EQ(recorder.order, std::vector<std::string>{"error"});
}

TEST_F(CartesiaErrorsTest, ForbiddenIsAnAuthenticationErrorToo) {
  FakeCartesiaOptions options;
  options.stt.reject_status = 403;
  FakeCartesia fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "CARTESIA_API_KEY")) << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "403")) << recorder.errors.front();
}

TEST_F(CartesiaErrorsTest, RateLimitingThatPersistsFailsTheStream) {
  FakeCartesiaOptions options;
  options.stt.reject_status = 429;
  FakeCartesia fake(options);
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
  EXPECT_EQ(fake.stt_streams().size(), 3U);  // the first try and two more
}

TEST_F(CartesiaErrorsTest, AServerErrorOnceIsRiddenOutWithoutLosingAudio) {
  FakeCartesiaOptions options;
  options.stt.reject_status = 503;
  options.stt.reject_connections = 1;
  FakeCartesia fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello"}) + FakeCartesia::silence(milliseconds(400)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"hello"});
  EXPECT_TRUE(recorder.errors.empty());
  EXPECT_EQ(fake.stt_streams().size(), 2U);
  stream->close();
}

TEST_F(CartesiaErrorsTest, ABadRequestIsRefusedAndFinal) {
  FakeCartesia fake;
  auto config = config_for(fake);
  config.version = "1999-01-01";  // a version the service does not know
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "refused (HTTP 400)")) << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "(invalid_version)")) << recorder.errors.front();
  EXPECT_EQ(fake.stt_streams().size(), 1U);
}

TEST_F(CartesiaErrorsTest, AMalformedMessageIsAClearErrorAndTheStreamEndsPolitely) {
  FakeCartesiaOptions options;
  options.stt.malformed_after_bytes = 640;
  FakeCartesia fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeCartesia::silence(milliseconds(100)));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "cartesia_stt: malformed message from the server"))
      << recorder.errors.front();
  ASSERT_TRUE(run_until([&] { return fake.stt_streams().at(0).ended; }));
  EXPECT_EQ(fake.stt_streams().at(0).commands, std::vector<std::string>{"done"});
  EXPECT_EQ(fake.stt_streams().size(), 1U);
}

TEST_F(CartesiaErrorsTest, AnErrorMessageThatIsFinalEndsTheStream) {
  FakeCartesiaOptions options;
  options.stt.error_after_bytes = 640;
  options.stt.error_status = 400;
  FakeCartesia fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeCartesia::silence(milliseconds(100)));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "The transcription failed (internal_error)"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "(status 400)")) << recorder.errors.front();
  EXPECT_EQ(fake.stt_streams().size(), 1U);
}

TEST_F(CartesiaErrorsTest, NoServerFailsAfterTheReconnectAttempts) {
  CartesiaSttConfig config;
  config.api_key = "sk_car_test_key_0001";
  config.base_url = "ws://127.0.0.1:1/stt/websocket";
  config.reconnect_attempts = 1;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] {
    clock_->advance(milliseconds(50));
    return !recorder.errors.empty();
  }));
  EXPECT_TRUE(contains(recorder.errors.front(), "cartesia_stt: cannot connect"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "after 1 reconnect attempts"))
      << recorder.errors.front();
}

// ---- reconnecting ----

bool mentions(const fakes::FakeCartesiaSttStream& stream, std::string_view word) {
  return std::any_of(stream.sent.begin(), stream.sent.end(), [word](const std::string& message) {
    return message.find("\"word\":\"" + std::string(word) + "\"") != std::string::npos;
  });
}

TEST_F(CartesiaErrorsTest, ADropMidUtteranceLosesNoWordAndRepeatsNoFinal) {
  FakeCartesiaOptions options;
  FakeCartesia probe(options);
  const auto first = probe.speech({"hello", "there"}) + FakeCartesia::silence(milliseconds(400));
  const auto second =
      probe.speech({"I", "would", "like", "a", "table"}) + FakeCartesia::silence(milliseconds(400));
  // The socket drops in the middle of "like" (400 ms a word with its gap, 32 bytes a ms), after
  // the first utterance's final.
  options.stt.drop_after_bytes = first.size() + 2 * 12800 + 4800;
  FakeCartesia fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());

  push(*stream, first);
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 1; }));
  const auto started = std::chrono::steady_clock::now();
  push(*stream, second);
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 2; }))
      << ::testing::PrintToString(recorder.final_texts());

  EXPECT_EQ(recorder.final_texts(),
            (std::vector<std::string>{"hello there", "I would like a table"}));
  EXPECT_TRUE(recorder.errors.empty());
  const auto streams = fake.stt_streams();
  ASSERT_EQ(streams.size(), 2U);
  EXPECT_TRUE(streams[0].dropped);
  EXPECT_FALSE(mentions(streams[1], "hello"));
  // The first final ends with its last word at 700 ms: the second socket gets everything after
  // it, once, in order.
  const auto all = first + second;
  EXPECT_TRUE(run_until([&] {
    return fake.stt_streams().at(1).audio.size() == all.size() - 22400;
  })) << fake.stt_streams().at(1).audio.size();
  EXPECT_TRUE(same_bytes(fake.stt_streams().at(1).audio, all.substr(22400)));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  // Word times stay in the call's audio clock across sockets.
  const auto& replayed = recorder.finals.at(1);
  ASSERT_TRUE(replayed.start_ms && replayed.end_ms);
  EXPECT_NEAR(*replayed.start_ms, 1200.0, 1.0);
  EXPECT_NEAR(*replayed.end_ms, 1200.0 + 5 * 400 - 100, 1.0);
  stream->close();
}

TEST_F(CartesiaErrorsTest, ReconnectsWithin500MillisecondsAndLosesNothing) {
  FakeCartesiaOptions options;
  options.stt.drop_after_bytes = 3200;
  FakeCartesia fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio = FakeCartesia::silence(milliseconds(200));
  push(*stream, audio);
  ASSERT_TRUE(run_until([&] {
    const auto streams = fake.stt_streams();
    return !streams.empty() && streams[0].ended;
  }));
  const auto dropped = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] {
    const auto streams = fake.stt_streams();
    return streams.size() == 2 && streams[1].audio.size() == audio.size();
  }));
  EXPECT_LT(std::chrono::steady_clock::now() - dropped, milliseconds(500));
  EXPECT_TRUE(same_bytes(fake.stt_streams().at(1).audio, audio));
  stream->close();
}

TEST_F(CartesiaErrorsTest, AServerErrorMidStreamReconnectsAndKeepsTheWords) {
  FakeCartesiaOptions options;
  options.stt.error_after_bytes = 12800;  // inside "would"
  options.stt.error_status = 500;
  FakeCartesia fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"I", "would", "like"}) + FakeCartesia::silence(milliseconds(400)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"I would like"});
  EXPECT_TRUE(recorder.errors.empty());
  EXPECT_EQ(fake.stt_streams().size(), 2U);
  stream->close();
}

TEST_F(CartesiaErrorsTest, AnIdleCloseReconnectsOnlyWhenAudioComesAgain) {
  FakeCartesiaOptions options;
  options.stt.idle_timeout = milliseconds(200);
  FakeCartesia fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(connected(fake));
  push(*stream, FakeCartesia::silence(milliseconds(40)));
  clock_->advance(std::chrono::seconds(16));  // the agent speaks; no audio reaches the stream
  ASSERT_TRUE(run_until([&] { return fake.stt_streams().at(0).ended; }));
  EXPECT_EQ(fake.stt_streams().at(0).server_close_code, 1000);
  run_for(milliseconds(100));
  EXPECT_EQ(fake.stt_streams().size(), 1U);  // no socket is opened to sit idle
  EXPECT_TRUE(recorder.errors.empty());

  push(*stream, fake.speech({"thanks"}) + FakeCartesia::silence(milliseconds(400)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"thanks"});
  EXPECT_EQ(fake.stt_streams().size(), 2U);
  stream->close();
}

TEST_F(CartesiaErrorsTest, ASocketThatKeepsDroppingFailsTheStream) {
  FakeCartesiaOptions options;
  options.stt.drop_after_bytes = 1600;
  options.stt.drop_connections = 100;
  FakeCartesia fake(options);
  auto config = config_for(fake);
  config.reconnect_attempts = 2;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeCartesia::silence(milliseconds(200)));
  ASSERT_TRUE(run_until([&] {
    clock_->advance(milliseconds(50));
    return !recorder.errors.empty();
  }));
  EXPECT_TRUE(contains(recorder.errors.front(), "cartesia_stt: the stream was closed (1006"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "after 2 reconnect attempts"))
      << recorder.errors.front();
  EXPECT_EQ(fake.stt_streams().size(), 3U);
}

}  // namespace
}  // namespace patter::providers::testing
