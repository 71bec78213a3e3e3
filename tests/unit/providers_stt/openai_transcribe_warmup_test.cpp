// warmup(): the call's transcription socket opens while the phone rings, sends nothing (so
// nothing is billed), and is the one the call's first open() uses; for REST, a pooled connection.

#include <chrono>

#include "openai_transcribe_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeOpenAiAudio;
using std::chrono::milliseconds;

class OpenAiWarmupTest : public OpenAiTranscribeTest {};

TEST_F(OpenAiWarmupTest, OpensTheSocketWithoutSendingAndTheCallAdoptsIt) {
  FakeOpenAiAudio fake;
  auto stt = provider(config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return stt->parked_sockets() == 1; }));
  clock_->advance(std::chrono::seconds(10));  // still ringing
  ASSERT_TRUE(run_until(
      [&] { return first_socket(fake).count_sent("transcription_session.created") == 1; }));
  run_for(milliseconds(50));
  const auto seen = first_socket(fake);
  EXPECT_TRUE(seen.received.empty()) << ::testing::PrintToString(seen.received);
  EXPECT_TRUE(seen.audio.empty());

  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello"}) + FakeOpenAiAudio::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "hello");
  EXPECT_EQ(fake.sockets().size(), 1U);
  EXPECT_EQ(stt->parked_sockets(), 0U);
  EXPECT_EQ(first_socket(fake).session_updates.size(), 1U);
  stream->close();
}

TEST_F(OpenAiWarmupTest, AnotherCallDoesNotTakeTheParkedSocket) {
  FakeOpenAiAudio fake;
  auto stt = provider(config_for(fake));
  stt->warmup(context("CA-ringing"));
  ASSERT_TRUE(run_until([&] { return stt->parked_sockets() == 1; }));
  SttRecorder recorder;
  auto stream = stt->open(context("CA-other"), recorder.events());
  ASSERT_TRUE(run_until([&] { return fake.sockets().size() == 2; }));
  EXPECT_EQ(stt->parked_sockets(), 1U);
  stream->close();
}

TEST_F(OpenAiWarmupTest, AnUnusedSocketClosesAfterItsLifetimeUnbilled) {
  FakeOpenAiAudio fake;
  auto stt = provider(config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return stt->parked_sockets() == 1; }));
  clock_->advance(std::chrono::seconds(31));
  ASSERT_TRUE(run_until([&] { return first_socket(fake).ended; }));
  EXPECT_EQ(stt->parked_sockets(), 0U);
  const auto seen = first_socket(fake);
  EXPECT_EQ(seen.appends, 0U);
  EXPECT_EQ(seen.commits, 0U);
  EXPECT_TRUE(seen.session_updates.empty());
  EXPECT_EQ(seen.client_close_code, 1000);
}

TEST_F(OpenAiWarmupTest, AFailedWarmupIsSilentAndTheCallStillConnects) {
  fakes::FakeOpenAiAudioOptions options;
  options.reject_status = 503;
  options.reject_connections = 1;
  FakeOpenAiAudio fake(options);
  auto stt = provider(config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return first_socket(fake).ended; }));
  run_for(milliseconds(50));
  EXPECT_EQ(stt->parked_sockets(), 0U);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"two"}) + FakeOpenAiAudio::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

TEST_F(OpenAiWarmupTest, RestWarmupConnectsWithoutARequest) {
  FakeOpenAiAudio fake;
  auto stt = provider(config_for(fake, OpenAiTranscribeTransport::rest));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return fake.connections() == 1; }));
  run_for(milliseconds(50));
  EXPECT_TRUE(fake.transcription_requests().empty());
  EXPECT_TRUE(fake.sockets().empty());
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello"}) + FakeOpenAiAudio::silence(milliseconds(800)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(fake.connections(), 1U);  // the request used the warm connection
  stream->close();
}

}  // namespace
}  // namespace patter::providers::testing
