// warmup(): the call's stream opens while the phone rings, sends no audio, and is the one the
// call's first open() uses.

#include <chrono>

#include "deepgram_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeDeepgram;
using std::chrono::milliseconds;

class DeepgramWarmupTest : public DeepgramTest {};

TEST_F(DeepgramWarmupTest, OpensTheStreamWithoutAudioAndTheCallAdoptsIt) {
  FakeDeepgram fake;
  auto stt = provider(config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return stt->parked_sockets() == 1; }));
  clock_->advance(std::chrono::seconds(4));  // still ringing: KeepAlive holds the socket
  ASSERT_TRUE(run_until([&] { return fake.streams().at(0).count_control("KeepAlive") == 1; }));
  EXPECT_EQ(fake.streams().at(0).audio_bytes, 0U);

  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello"}) + FakeDeepgram::silence(milliseconds(300)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "hello");
  EXPECT_EQ(fake.streams().size(), 1U);
  EXPECT_EQ(stt->parked_sockets(), 0U);
  stream->close();
}

TEST_F(DeepgramWarmupTest, AnotherCallDoesNotTakeTheParkedStream) {
  FakeDeepgram fake;
  auto stt = provider(config_for(fake));
  stt->warmup(context("CA-ringing"));
  ASSERT_TRUE(run_until([&] { return stt->parked_sockets() == 1; }));
  SttRecorder recorder;
  auto stream = stt->open(context("CA-other"), recorder.events());
  ASSERT_TRUE(run_until([&] { return fake.streams().size() == 2; }));
  EXPECT_EQ(stt->parked_sockets(), 1U);
  stream->close();
}

TEST_F(DeepgramWarmupTest, AnUnusedStreamClosesAfterItsLifetime) {
  FakeDeepgram fake;
  auto stt = provider(config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return stt->parked_sockets() == 1; }));
  clock_->advance(std::chrono::seconds(31));
  ASSERT_TRUE(run_until([&] { return fake.streams().at(0).ended; }));
  EXPECT_EQ(stt->parked_sockets(), 0U);
  const auto seen = fake.streams().at(0);
  EXPECT_EQ(seen.audio_bytes, 0U);
  EXPECT_EQ(seen.control.back(), "CloseStream");
}

TEST_F(DeepgramWarmupTest, AFailedWarmupIsSilentAndTheCallStillConnects) {
  fakes::FakeDeepgramOptions options;
  options.reject_status = 503;
  options.reject_connections = 1;
  FakeDeepgram fake(options);
  auto stt = provider(config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return !fake.streams().empty() && fake.streams()[0].ended; }));
  EXPECT_TRUE(run_until_idle());
  EXPECT_EQ(stt->parked_sockets(), 0U);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"two"}) + FakeDeepgram::silence(milliseconds(300)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

}  // namespace
}  // namespace patter::providers::testing
