// The Deepgram client against the fake Deepgram: the query, interim and final results, speech
// edges, Finalize, KeepAlive, CloseStream and the frames it never sends.

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "core/manual_executor.hpp"

#include "deepgram_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeDeepgram;
using fakes::FakeDeepgramOptions;
using std::chrono::milliseconds;

class DeepgramStreamTest : public DeepgramTest {};

TEST_F(DeepgramStreamTest, AsksForTheCarrierAudioAsItIsAndTheTurnTakingDefaults) {
  FakeDeepgram fake;
  auto stt = provider(config_for(fake));
  EXPECT_EQ(stt->name(), "deepgram");
  EXPECT_EQ(stt->model(), "nova-3");
  EXPECT_EQ(stt->input_format(), kTelephonyMulaw);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return clock_->pending() > 0; }));  // connected: KeepAlive armed
  const auto seen = fake.streams().at(0);
  EXPECT_EQ(seen.authorization, "Token dg-test-key");
  EXPECT_EQ(seen.query_param("model"), "nova-3");
  EXPECT_EQ(seen.query_param("language"), "en");
  EXPECT_EQ(seen.query_param("encoding"), "mulaw");
  EXPECT_EQ(seen.query_param("sample_rate"), "8000");
  EXPECT_EQ(seen.query_param("channels"), "1");
  EXPECT_EQ(seen.query_param("interim_results"), "true");
  EXPECT_EQ(seen.query_param("endpointing"), "150");
  EXPECT_EQ(seen.query_param("utterance_end_ms"), "1000");
  EXPECT_EQ(seen.query_param("vad_events"), "true");
  EXPECT_EQ(seen.query_param("smart_format"), "true");
  EXPECT_EQ(seen.query_param("punctuate"), "true");
  stream->close();
}

TEST_F(DeepgramStreamTest, InterimResultsThenOneFinalWithWordTimes) {
  FakeDeepgram fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello", "there"}) + FakeDeepgram::silence(milliseconds(400)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }))
      << ::testing::PrintToString(recorder.order);

  ASSERT_GE(recorder.interims.size(), 2U);
  EXPECT_EQ(recorder.interims.front().text, "hello");
  EXPECT_EQ(recorder.interims.back().text, "hello there");
  EXPECT_FALSE(recorder.interims.back().is_final);
  const auto& final = recorder.finals.at(0);
  EXPECT_EQ(final.text, "hello there");
  EXPECT_TRUE(final.is_final);
  EXPECT_TRUE(final.speech_final);
  EXPECT_GT(final.confidence, 0.9);
  ASSERT_TRUE(final.start_ms && final.end_ms);
  EXPECT_NEAR(*final.start_ms, 0.0, 1.0);
  EXPECT_NEAR(*final.end_ms, 700.0, 1.0);  // 300 ms word, 100 ms gap, 300 ms word
  EXPECT_EQ(recorder.order.front(), "started");
  EXPECT_EQ(recorder.count("ended"), 1U);

  // The utterance end that follows adds no second final, nor a second end of speech. The answer
  // to finalize() (an empty final) comes after it.
  push(*stream, FakeDeepgram::silence(milliseconds(1200)));
  ASSERT_TRUE(run_until([&] {
    const auto sent = fake.streams().at(0).sent;
    return std::any_of(sent.begin(), sent.end(),
                       [](const auto& m) { return m.find("UtteranceEnd") != std::string::npos; });
  }));
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 2; }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"hello there"});
  EXPECT_EQ(recorder.count("ended"), 1U);
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

TEST_F(DeepgramStreamTest, UtteranceEndTurnsAnUnfinishedInterimIntoAFinal) {
  FakeDeepgram fake;
  auto config = config_for(fake);
  config.endpointing_ms.reset();  // no speech_final: only UtteranceEnd ends the utterance
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"table", "for", "two"}) + FakeDeepgram::silence(milliseconds(1100)));
  ASSERT_TRUE(run_until([&] { return recorder.count("ended") == 1; }));
  EXPECT_EQ(fake.streams().at(0).query_param("endpointing"), "false");
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"table for two"});
  stream->close();
}

TEST_F(DeepgramStreamTest, FinalizeAsksForTheFinalAtOnce) {
  FakeDeepgram fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"table"}, milliseconds(300), milliseconds(0)));
  ASSERT_TRUE(run_until([&] { return !recorder.interims.empty(); }));
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "table");
  EXPECT_FALSE(recorder.finals.at(0).speech_final);
  EXPECT_EQ(fake.streams().at(0).count_control("Finalize"), 1U);
  stream->close();
}

TEST_F(DeepgramStreamTest, FinalizeBeforeTheSocketOpensIsSentOnceItDoes) {
  FakeDeepgram fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio = fake.speech({"please"}, milliseconds(200), milliseconds(0));
  stream->push_audio({reinterpret_cast<const std::uint8_t*>(audio.data()), audio.size()});
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "please");
  const auto seen = fake.streams().at(0);
  EXPECT_EQ(seen.audio_bytes, audio.size());
  EXPECT_EQ(seen.count_control("Finalize"), 1U);
  stream->close();
}

TEST_F(DeepgramStreamTest, KeepAliveOnlyAfterTheIntervalWithoutAudio) {
  FakeDeepgram fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return clock_->pending() > 0; }));

  clock_->advance(std::chrono::seconds(3));
  push(*stream, FakeDeepgram::silence(milliseconds(20)));
  clock_->advance(std::chrono::seconds(3));  // 3 s since the audio: still nothing to keep alive
  ASSERT_TRUE(run_until([&] { return fake.streams().at(0).audio_frames == 1; }));
  EXPECT_EQ(fake.streams().at(0).count_control("KeepAlive"), 0U);

  for (int i = 0; i < 3; ++i) {
    clock_->advance(std::chrono::seconds(4));
    poll();
  }
  EXPECT_TRUE(run_until([&] { return fake.streams().at(0).count_control("KeepAlive") == 3; }));
  EXPECT_EQ(fake.streams().at(0).audio_bytes, 160U);  // KeepAlive is text, never audio
  stream->close();
}

TEST_F(DeepgramStreamTest, NeverSendsAnEmptyFrame) {
  FakeDeepgram fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio = fake.speech({"two"}) + FakeDeepgram::silence(milliseconds(300));
  ASSERT_TRUE(run_until([&] { return clock_->pending() > 0; }));
  stream->push_audio({});
  push(*stream, audio);
  stream->push_audio({});
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  stream->close();
  ASSERT_TRUE(run_until([&] { return fake.streams().at(0).ended; }));
  const auto seen = fake.streams().at(0);
  EXPECT_EQ(seen.empty_frames, 0U);
  EXPECT_EQ(seen.audio_bytes, audio.size());
  EXPECT_EQ(seen.audio_frames, audio.size() / 160);
}

TEST_F(DeepgramStreamTest, CloseSendsCloseStreamAndNothingFollows) {
  FakeDeepgramOptions options;
  options.latency = milliseconds(50);  // results still on their way when the call closes
  FakeDeepgram fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return clock_->pending() > 0; }));
  push(*stream, fake.speech({"hello", "there"}) + FakeDeepgram::silence(milliseconds(400)));
  stream->close();
  ASSERT_TRUE(run_until([&] { return fake.streams().at(0).ended; }));
  EXPECT_TRUE(run_until_idle());
  EXPECT_TRUE(recorder.order.empty()) << ::testing::PrintToString(recorder.order);
  const auto seen = fake.streams().at(0);
  EXPECT_EQ(seen.control, std::vector<std::string>{"CloseStream"});
  EXPECT_EQ(seen.client_close_code, 1000);
  stream->push_audio({reinterpret_cast<const std::uint8_t*>("\x01"), 1});
  stream->finalize();
  poll();
  EXPECT_EQ(fake.streams().at(0).audio_bytes, seen.audio_bytes);
}

TEST_F(DeepgramStreamTest, WorksOverTls) {
  FakeDeepgramOptions options;
  options.tls = true;
  FakeDeepgram fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"thanks"}) + FakeDeepgram::silence(milliseconds(300)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "thanks");
  stream->close();
}

TEST_F(DeepgramStreamTest, AnExecutorThatIsNotAnAsioLoopGetsTheProvidersOwnLoop) {
  FakeDeepgram fake;
  auto stt = provider(config_for(fake));
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<std::string> finals;
  SttEvents events;
  events.on_transcript = [&](const Transcript& transcript) {
    const std::lock_guard lock(mutex);
    if (transcript.is_final) finals.push_back(transcript.text);
    arrived.notify_all();
  };
  auto call = context();
  call.executor = std::make_shared<core::ManualExecutor>();
  auto stream = stt->open(call, std::move(events));
  const auto audio = fake.speech({"hello"}) + FakeDeepgram::silence(milliseconds(300));
  for (std::size_t at = 0; at < audio.size(); at += 160) {
    stream->push_audio({reinterpret_cast<const std::uint8_t*>(audio.data() + at), 160});
  }
  std::unique_lock lock(mutex);
  ASSERT_TRUE(arrived.wait_for(lock, std::chrono::seconds(5), [&] { return !finals.empty(); }));
  EXPECT_EQ(finals, std::vector<std::string>{"hello"});
  lock.unlock();
  stream->close();
}

TEST_F(DeepgramStreamTest, EveryStreamOfAProviderIsBilledByTheAudioItSent) {
  FakeDeepgram fake;
  auto stt = provider(config_for(fake));
  SttRecorder first;
  SttRecorder second;
  auto one = stt->open(context("CA1"), first.events());
  auto two = stt->open(context("CA2"), second.events());
  push(*one, FakeDeepgram::silence(milliseconds(1000)));
  push(*two, FakeDeepgram::silence(milliseconds(500)));
  ASSERT_TRUE(run_until([&] { return stt->billed_audio_seconds() >= 1.5; }));
  EXPECT_DOUBLE_EQ(stt->billed_audio_seconds(), 1.5);
  one->close();
  two->close();
}

}  // namespace
}  // namespace patter::providers::testing
