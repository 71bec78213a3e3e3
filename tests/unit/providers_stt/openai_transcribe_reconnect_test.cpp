// A Realtime transcription socket that drops mid-call: the client reconnects at once and replays
// the audio no final covered, so the transcript keeps every word, once.

#include <chrono>

#include "openai_transcribe_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeOpenAiAudio;
using fakes::FakeOpenAiAudioOptions;
using std::chrono::milliseconds;

class OpenAiReconnectTest : public OpenAiTranscribeTest {};

TEST_F(OpenAiReconnectTest, ADropMidUtteranceLosesNoWordAndRepeatsNoFinal) {
  FakeOpenAiAudioOptions options;
  FakeOpenAiAudio probe(options);
  const auto first = probe.speech({"hello", "there"}) + FakeOpenAiAudio::silence(milliseconds(600));
  const auto second = probe.speech({"I", "would", "like", "a", "table"}) +
                      FakeOpenAiAudio::silence(milliseconds(600));
  // The socket drops in the middle of "like", after the first utterance's final.
  options.drop_after_bytes = first.size() + 2 * 3200 + 1200;
  FakeOpenAiAudio fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());

  push(*stream, first);
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 1; }));
  push(*stream, second);
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 2; }))
      << ::testing::PrintToString(recorder.final_texts());

  EXPECT_EQ(recorder.final_texts(),
            (std::vector<std::string>{"hello there", "I would like a table"}));
  EXPECT_TRUE(recorder.errors.empty());
  const auto sockets = fake.sockets();
  ASSERT_EQ(sockets.size(), 2U);
  EXPECT_TRUE(sockets[0].dropped);
  // The first final covered the stream up to the end of its 500 ms of closing silence (1200 ms,
  // 9600 bytes): the new socket got the session again, then everything after that, once.
  ASSERT_EQ(sockets[1].session_updates.size(), 1U);
  EXPECT_EQ(sockets[1].appends_before_update, 0U);
  EXPECT_TRUE(run_until([&] {
    return fake.sockets().at(1).audio == (first + second).substr(9600);
  })) << fake.sockets().at(1).audio.size();
  // One start and one end of speech per utterance, though the second was heard twice.
  EXPECT_EQ(recorder.count("started"), 2U);
  EXPECT_EQ(recorder.count("ended"), 2U);
  // Times stay in the call's audio clock across sockets.
  const auto& replayed = recorder.finals.at(1);
  ASSERT_TRUE(replayed.start_ms && replayed.end_ms);
  EXPECT_NEAR(*replayed.start_ms, 1200.0, 1.0);
  EXPECT_NEAR(*replayed.end_ms, 1400.0 + 5 * 400 - 100 + 500, 1.0);
  stream->close();
}

TEST_F(OpenAiReconnectTest, ReconnectsWithin500Milliseconds) {
  FakeOpenAiAudioOptions options;
  options.drop_after_bytes = 1600;
  FakeOpenAiAudio fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeOpenAiAudio::silence(milliseconds(200)));
  ASSERT_TRUE(run_until([&] { return first_socket(fake).ended; }));
  const auto dropped = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] {
    const auto sockets = fake.sockets();
    return sockets.size() == 2 && sockets[1].audio.size() == 1600;  // the drop lost nothing
  }));
  EXPECT_LT(std::chrono::steady_clock::now() - dropped, milliseconds(500));
  stream->close();
}

TEST_F(OpenAiReconnectTest, ASocketThatKeepsDroppingFailsTheStream) {
  FakeOpenAiAudioOptions options;
  options.drop_after_bytes = 800;
  options.drop_connections = 100;
  FakeOpenAiAudio fake(options);
  auto config = config_for(fake);
  config.reconnect_attempts = 2;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeOpenAiAudio::silence(milliseconds(200)));
  ASSERT_TRUE(run_until([&] {
    clock_->advance(milliseconds(50));
    return !recorder.errors.empty();
  }));
  EXPECT_TRUE(contains(recorder.errors.front(), "openai_transcribe: the socket was closed"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "after 2 reconnect attempts"))
      << recorder.errors.front();
  EXPECT_EQ(fake.sockets().size(), 3U);
}

TEST_F(OpenAiReconnectTest, AServerErrorEventReconnectsAndTheUtteranceSurvives) {
  FakeOpenAiAudioOptions options;
  options.error_after_bytes = 2400;  // in the middle of "hello"
  FakeOpenAiAudio fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello", "there"}) + FakeOpenAiAudio::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }))
      << ::testing::PrintToString(recorder.order);
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"hello there"});
  EXPECT_TRUE(recorder.errors.empty());
  EXPECT_EQ(fake.sockets().size(), 2U);
  stream->close();
}

TEST_F(OpenAiReconnectTest, AudioBeyondTheReplayWindowIsNotReplayed) {
  FakeOpenAiAudioOptions options;
  options.drop_after_bytes = 1;
  FakeOpenAiAudio fake(options);
  auto config = config_for(fake);
  config.replay_window = milliseconds(1000);
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !first_socket(fake).session_updates.empty(); }));
  poll();
  // Three seconds arrive in one burst: the first socket drops on its first byte.
  const auto audio = FakeOpenAiAudio::silence(milliseconds(3000));
  for (std::size_t at = 0; at < audio.size(); at += 160) {
    stream->push_audio({reinterpret_cast<const std::uint8_t*>(audio.data() + at), 160});
  }
  ASSERT_TRUE(run_until([&] {
    const auto sockets = fake.sockets();
    return sockets.size() == 2 && sockets[1].audio.size() >= 8000;
  }));
  EXPECT_EQ(fake.sockets().at(1).audio.size(), 8000U);
  stream->close();
}

}  // namespace
}  // namespace patter::providers::testing
