// The Cartesia speech-to-text client against the fake Cartesia: the handshake, interim and final
// transcripts, finalize, close, the bytes on the wire and warmup.

#include <chrono>

#include "cartesia_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeCartesia;
using fakes::FakeCartesiaOptions;
using std::chrono::milliseconds;

using CartesiaStreamTest = CartesiaSttTest;

TEST_F(CartesiaStreamTest, AsksForPcm16At16kHzWithTheKeyAndVersionHeaders) {
  FakeCartesia fake;
  auto stt = provider(config_for(fake));
  EXPECT_EQ(stt->name(), "cartesia_stt");
  EXPECT_EQ(stt->model(), "ink-whisper");
  EXPECT_EQ(stt->input_format(), kPcm16k);
  SttRecorder recorder;
  auto stream = stt->open(context("CA0001", "en-US"), recorder.events());
  ASSERT_TRUE(connected(fake));
  const auto seen = fake.stt_streams().at(0);
  EXPECT_EQ(seen.api_key, fake.options().api_key);
  EXPECT_EQ(seen.version, "2025-04-16");
  EXPECT_EQ(seen.query_param("model"), "ink-whisper");
  EXPECT_EQ(seen.query_param("language"), "en");  // ISO 639-1, without the region
  EXPECT_EQ(seen.query_param("encoding"), "pcm_s16le");
  EXPECT_EQ(seen.query_param("sample_rate"), "16000");
  EXPECT_FALSE(seen.query_param("api_key"));  // the key travels in a header, not the URL
  stream->close();
}

TEST_F(CartesiaStreamTest, InterimsThenOneFinalWithWordTimes) {
  FakeCartesia fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello", "there"}) + FakeCartesia::silence(milliseconds(400)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }))
      << ::testing::PrintToString(recorder.order);
  ASSERT_GE(recorder.interims.size(), 2U);
  EXPECT_EQ(recorder.interims.front().text, "hello");
  EXPECT_EQ(recorder.interims.back().text, "hello there");
  const auto& final = recorder.finals.at(0);
  EXPECT_EQ(final.text, "hello there");
  EXPECT_TRUE(final.is_final);
  ASSERT_TRUE(final.start_ms && final.end_ms);
  EXPECT_NEAR(*final.start_ms, 0.0, 1.0);
  EXPECT_NEAR(*final.end_ms, 700.0, 1.0);  // 300 ms word, 100 ms gap, 300 ms word

  // The next segment's text is a delta that starts with a space: it arrives trimmed.
  push(*stream, fake.speech({"table", "for", "two"}) + FakeCartesia::silence(milliseconds(400)));
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 2; }));
  EXPECT_EQ(recorder.final_texts(), (std::vector<std::string>{"hello there", "table for two"}));
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

TEST_F(CartesiaStreamTest, TheBytesReachTheServerAsPushedAndNoFrameIsEmpty) {
  FakeCartesia fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio = fake.speech({"please"}) + FakeCartesia::silence(milliseconds(400));
  stream->push_audio({});
  push(*stream, audio, 322);  // frames of any whole number of samples
  stream->push_audio({});
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  stream->close();
  ASSERT_TRUE(run_until([&] { return fake.stt_streams().at(0).ended; }));
  const auto seen = fake.stt_streams().at(0);
  EXPECT_TRUE(same_bytes(seen.audio, audio));
  EXPECT_EQ(seen.empty_frames, 0U);
}

TEST_F(CartesiaStreamTest, MulawAt8kHzPassesTheCarrierBytesThrough) {
  FakeCartesia fake;
  auto config = config_for(fake);
  config.input_format = kTelephonyMulaw;
  auto stt = provider(config);
  EXPECT_EQ(stt->input_format(), kTelephonyMulaw);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio = fake.speech({"two"}, milliseconds(300), milliseconds(100), 8000, "pcm_mulaw") +
                     FakeCartesia::silence(milliseconds(400), 8000, "pcm_mulaw");
  push(*stream, audio, 160);
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "two");
  ASSERT_TRUE(run_until([&] { return fake.stt_streams().at(0).audio.size() == audio.size(); }));
  const auto seen = fake.stt_streams().at(0);
  EXPECT_EQ(seen.query_param("encoding"), "pcm_mulaw");
  EXPECT_EQ(seen.query_param("sample_rate"), "8000");
  EXPECT_TRUE(same_bytes(seen.audio, audio));
  stream->close();
}

TEST_F(CartesiaStreamTest, FinalizeAsksForTheFinalAtOnceAndIsAlwaysAnswered) {
  FakeCartesia fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"table"}, milliseconds(300), milliseconds(0)));
  ASSERT_TRUE(run_until([&] { return !recorder.interims.empty(); }));
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return fake.stt_streams().at(0).count_sent("flush_done") == 1; }));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  run_for(milliseconds(50));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"table"});
  EXPECT_EQ(recorder.finals.size(), 1U);  // the words were the answer: no empty final follows
  EXPECT_EQ(fake.stt_streams().at(0).count_command("finalize"), 1U);

  // With nothing left to hear, finalize() still gets a final, an empty one.
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 2; }));
  EXPECT_EQ(recorder.finals.at(1).text, "");
  EXPECT_TRUE(recorder.finals.at(1).is_final);
  stream->close();
}

TEST_F(CartesiaStreamTest, FinalizeBeforeTheSocketOpensIsSentOnceItDoes) {
  FakeCartesia fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio = fake.speech({"thanks"}, milliseconds(200), milliseconds(0));
  stream->push_audio({reinterpret_cast<const std::uint8_t*>(audio.data()), audio.size()});
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "thanks");
  const auto seen = fake.stt_streams().at(0);
  EXPECT_TRUE(same_bytes(seen.audio, audio));
  EXPECT_EQ(seen.commands, std::vector<std::string>{"finalize"});
  stream->close();
}

TEST_F(CartesiaStreamTest, CloseSendsDoneAndNothingFollows) {
  FakeCartesiaOptions options;
  options.stt.latency = milliseconds(50);  // transcripts still on their way when the call closes
  FakeCartesia fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(connected(fake));
  push(*stream, fake.speech({"hello", "there"}) + FakeCartesia::silence(milliseconds(400)));
  stream->close();
  ASSERT_TRUE(run_until([&] { return fake.stt_streams().at(0).ended; }));
  run_for(milliseconds(200));
  EXPECT_TRUE(recorder.order.empty()) << ::testing::PrintToString(recorder.order);
  const auto seen = fake.stt_streams().at(0);
  EXPECT_EQ(seen.commands, std::vector<std::string>{"done"});
  EXPECT_EQ(seen.client_close_code, 1000);
  stream->push_audio({reinterpret_cast<const std::uint8_t*>("\x01\x00"), 2});
  stream->finalize();
  poll();
  EXPECT_EQ(fake.stt_streams().at(0).audio.size(), seen.audio.size());
}

TEST_F(CartesiaStreamTest, WorksOverTls) {
  FakeCartesiaOptions options;
  options.tls = true;
  FakeCartesia fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"tonight"}) + FakeCartesia::silence(milliseconds(400)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "tonight");
  stream->close();
}

TEST_F(CartesiaStreamTest, EveryStreamIsBilledByTheAudioItSent) {
  FakeCartesia fake;
  auto stt = provider(config_for(fake));
  SttRecorder first;
  SttRecorder second;
  auto one = stt->open(context("CA1"), first.events());
  auto two = stt->open(context("CA2"), second.events());
  push(*one, FakeCartesia::silence(milliseconds(1000)));
  push(*two, FakeCartesia::silence(milliseconds(500)));
  ASSERT_TRUE(run_until([&] { return stt->billed_audio_seconds() >= 1.5; }));
  EXPECT_DOUBLE_EQ(stt->billed_audio_seconds(), 1.5);
  one->close();
  two->close();
}

TEST_F(CartesiaStreamTest, WarmupOpensTheStreamWithoutAudioAndTheCallAdoptsIt) {
  FakeCartesia fake;
  auto stt = provider(config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return stt->parked_sockets() == 1; }));
  run_for(milliseconds(50));
  EXPECT_TRUE(fake.stt_streams().at(0).audio.empty());
  EXPECT_TRUE(fake.stt_streams().at(0).commands.empty());

  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello"}) + FakeCartesia::silence(milliseconds(400)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "hello");
  EXPECT_EQ(fake.stt_streams().size(), 1U);
  EXPECT_EQ(stt->parked_sockets(), 0U);
  stream->close();
}

TEST_F(CartesiaStreamTest, AnUnusedWarmStreamClosesBeforeCartesiasIdleLimitWithoutAudio) {
  FakeCartesia fake;
  auto stt = provider(config_for(fake));
  stt->warmup(context());
  ASSERT_TRUE(run_until([&] { return stt->parked_sockets() == 1; }));
  clock_->advance(std::chrono::seconds(16));
  ASSERT_TRUE(run_until([&] { return fake.stt_streams().at(0).ended; }));
  EXPECT_EQ(stt->parked_sockets(), 0U);
  EXPECT_TRUE(fake.stt_streams().at(0).audio.empty());
  EXPECT_EQ(fake.stt_streams().at(0).client_close_code, 1000);
}

}  // namespace
}  // namespace patter::providers::testing
