// A socket that drops mid-call: the client reconnects at once and replays the audio no final
// covered, so the transcript keeps every word, once.

#include <chrono>

#include "deepgram_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeDeepgram;
using fakes::FakeDeepgramOptions;
using std::chrono::milliseconds;

class DeepgramReconnectTest : public DeepgramTest {};

bool mentions(const fakes::FakeDeepgramStream& stream, std::string_view word) {
  return std::any_of(stream.sent.begin(), stream.sent.end(), [word](const std::string& message) {
    return message.find("\"word\":\"" + std::string(word) + "\"") != std::string::npos;
  });
}

TEST_F(DeepgramReconnectTest, ADropMidUtteranceLosesNoWordAndRepeatsNoFinal) {
  FakeDeepgramOptions options;
  FakeDeepgram probe(options);
  const auto first = probe.speech({"hello", "there"}) + FakeDeepgram::silence(milliseconds(400));
  const auto second =
      probe.speech({"I", "would", "like", "a", "table"}) + FakeDeepgram::silence(milliseconds(400));
  // The socket drops in the middle of "like", after the first utterance's final.
  options.drop_after_bytes = first.size() + 2 * 3200 + 1200;
  FakeDeepgram fake(options);
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
  const auto streams = fake.streams();
  ASSERT_EQ(streams.size(), 2U);
  EXPECT_TRUE(streams[0].dropped);
  // The second socket got the audio after the first final, not the first utterance again.
  EXPECT_FALSE(mentions(streams[1], "hello"));
  // The first final spans 850 ms, the words and 150 ms of endpointing silence: the second socket
  // gets everything after it, once.
  EXPECT_TRUE(run_until([&] {
    return fake.streams().at(1).audio_bytes == first.size() + second.size() - 6800;
  })) << fake.streams().at(1).audio_bytes;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  // Word times stay in the call's audio clock across sockets.
  const auto& replayed = recorder.finals.at(1);
  ASSERT_TRUE(replayed.start_ms && replayed.end_ms);
  EXPECT_NEAR(*replayed.start_ms, 1200.0, 1.0);  // after the first 1200 ms of audio
  EXPECT_NEAR(*replayed.end_ms, 1200.0 + 5 * 400 - 100, 1.0);
  stream->close();
}

TEST_F(DeepgramReconnectTest, ReconnectsWithin500Milliseconds) {
  FakeDeepgramOptions options;
  options.drop_after_bytes = 1600;
  FakeDeepgram fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeDeepgram::silence(milliseconds(200)));
  ASSERT_TRUE(run_until([&] {
    const auto streams = fake.streams();
    return !streams.empty() && streams[0].ended;
  }));
  const auto dropped = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] {
    const auto streams = fake.streams();
    return streams.size() == 2 && streams[1].audio_bytes == 1600;  // the drop lost nothing
  }));
  EXPECT_LT(std::chrono::steady_clock::now() - dropped, milliseconds(500));
  stream->close();
}

TEST_F(DeepgramReconnectTest, ReplayedAudioIsBilledAgain) {
  FakeDeepgramOptions options;
  options.drop_after_bytes = 1600;
  FakeDeepgram fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeDeepgram::silence(milliseconds(200)));
  ASSERT_TRUE(run_until([&] {
    const auto streams = fake.streams();
    return streams.size() == 2 && streams[1].audio_bytes == 1600;
  }));
  push(*stream, FakeDeepgram::silence(milliseconds(300)));
  ASSERT_TRUE(run_until([&] { return fake.streams().at(1).audio_bytes == 4000; }));
  // 0.5 s pushed; the 0.2 s no final covered before the drop went out twice, and the call is
  // told so it can bill it.
  EXPECT_DOUBLE_EQ(stt->billed_audio_seconds(), 0.7);
  ASSERT_EQ(recorder.replayed.size(), 1U);
  EXPECT_DOUBLE_EQ(recorder.replayed[0], 0.2);
  stream->close();
}

TEST_F(DeepgramReconnectTest, AServerIdleTimeoutIsReconnected) {
  FakeDeepgramOptions options;
  options.idle_timeout = milliseconds(100);  // the manual clock never sends KeepAlive here
  FakeDeepgram fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return fake.streams().size() == 2; }));
  EXPECT_EQ(fake.streams().at(0).server_close_code, 1011);
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

TEST_F(DeepgramReconnectTest, ASocketThatKeepsDroppingFailsTheStream) {
  FakeDeepgramOptions options;
  options.drop_after_bytes = 800;
  options.drop_connections = 100;
  FakeDeepgram fake(options);
  auto config = config_for(fake);
  config.reconnect_attempts = 2;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeDeepgram::silence(milliseconds(200)));
  ASSERT_TRUE(run_until([&] {
    clock_->advance(milliseconds(50));
    return !recorder.errors.empty();
  }));
  EXPECT_NE(recorder.errors.front().find("after 2 reconnect attempts"), std::string::npos)
      << recorder.errors.front();
  EXPECT_EQ(fake.streams().size(), 3U);
}

TEST_F(DeepgramReconnectTest, AudioBeyondTheReplayWindowIsNotReplayed) {
  FakeDeepgramOptions options;
  options.drop_after_bytes = 1;
  FakeDeepgram fake(options);
  auto config = config_for(fake);
  config.replay_window = milliseconds(1000);
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return clock_->pending() > 0; }));
  // Three seconds arrive in one burst: the first socket drops on its first byte.
  const auto audio = FakeDeepgram::silence(milliseconds(3000));
  for (std::size_t at = 0; at < audio.size(); at += 160) {
    stream->push_audio({reinterpret_cast<const std::uint8_t*>(audio.data() + at), 160});
  }
  ASSERT_TRUE(run_until([&] {
    const auto streams = fake.streams();
    return streams.size() == 2 && streams[1].audio_bytes >= 8000;
  }));
  EXPECT_EQ(fake.streams().at(1).audio_bytes, 8000U);
  stream->close();
}

}  // namespace
}  // namespace patter::providers::testing
