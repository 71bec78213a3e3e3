// warmup(): by default only DNS, TCP and TLS (AssemblyAI bills session time); with
// warmup_opens_session the call's session opens while the phone rings, sends no audio, and is
// the one the call's first open() uses.

#include <chrono>

#include "assemblyai_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeAssemblyAi;
using std::chrono::milliseconds;

class AssemblyAiWarmupTest : public AssemblyAiTest {
 protected:
  [[nodiscard]] static AssemblyAiConfig parking_config_for(const FakeAssemblyAi& fake) {
    auto config = config_for(fake);
    config.warmup_opens_session = true;
    return config;
  }
};

TEST_F(AssemblyAiWarmupTest, ByDefaultReachesTheServerWithoutOpeningASession) {
  fakes::FakeAssemblyAiOptions options;
  options.tls = true;
  FakeAssemblyAi fake(options);
  auto stt = provider(config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return fake.connections_accepted() == 1; }));
  EXPECT_TRUE(run_until_idle());
  EXPECT_TRUE(fake.streams().empty());
  EXPECT_EQ(stt->parked_sockets(), 0U);

  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello"}) + FakeAssemblyAi::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "hello");
  EXPECT_EQ(fake.streams().size(), 1U);
  stream->close();
}

TEST_F(AssemblyAiWarmupTest, OpensTheSessionWithoutAudioAndTheCallAdoptsIt) {
  FakeAssemblyAi fake;
  auto stt = provider(parking_config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return stt->parked_sockets() == 1; }));
  clock_->advance(std::chrono::seconds(5));  // still ringing: KeepAlive holds the session
  ASSERT_TRUE(run_until([&] { return seen(fake).count_control("KeepAlive") == 1; }));
  EXPECT_TRUE(seen(fake).audio.empty());

  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello"}) + FakeAssemblyAi::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "hello");
  EXPECT_EQ(fake.streams().size(), 1U);
  EXPECT_EQ(stt->parked_sockets(), 0U);
  stream->close();
}

TEST_F(AssemblyAiWarmupTest, AnotherCallDoesNotTakeTheParkedSession) {
  FakeAssemblyAi fake;
  auto stt = provider(parking_config_for(fake));
  stt->warmup(context("CA-ringing"));
  ASSERT_TRUE(run_until([&] { return stt->parked_sockets() == 1; }));
  SttRecorder recorder;
  auto stream = stt->open(context("CA-other"), recorder.events());
  ASSERT_TRUE(run_until([&] { return fake.streams().size() == 2; }));
  EXPECT_EQ(stt->parked_sockets(), 1U);
  stream->close();
}

TEST_F(AssemblyAiWarmupTest, AnUnusedSessionClosesAfterItsLifetimeWithoutAudio) {
  FakeAssemblyAi fake;
  auto stt = provider(parking_config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return stt->parked_sockets() == 1; }));
  clock_->advance(std::chrono::seconds(31));
  ASSERT_TRUE(run_until([&] { return seen(fake).ended; }));
  EXPECT_EQ(stt->parked_sockets(), 0U);
  EXPECT_TRUE(seen(fake).audio.empty());
}

TEST_F(AssemblyAiWarmupTest, AFailedWarmupIsSilentAndTheCallStillConnects) {
  fakes::FakeAssemblyAiOptions options;
  options.reject_status = 503;
  options.reject_connections = 1;
  FakeAssemblyAi fake(options);
  auto stt = provider(parking_config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return !fake.streams().empty() && fake.streams()[0].ended; }));
  EXPECT_TRUE(run_until_idle());
  EXPECT_EQ(stt->parked_sockets(), 0U);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"two"}) + FakeAssemblyAi::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

}  // namespace
}  // namespace patter::providers::testing
