// A session that drops mid-call: the client reconnects at once and replays the audio no ended
// turn covered, so the transcript keeps every word, once; the replay is billed too.

#include <chrono>

#include "assemblyai_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeAssemblyAi;
using fakes::FakeAssemblyAiOptions;
using std::chrono::milliseconds;

class AssemblyAiReconnectTest : public AssemblyAiTest {};

TEST_F(AssemblyAiReconnectTest, ADropMidUtteranceLosesNoWordAndRepeatsNoFinal) {
  FakeAssemblyAiOptions options;
  FakeAssemblyAi probe(options);
  const auto first = probe.speech({"hello", "there"}) + FakeAssemblyAi::silence(milliseconds(600));
  const auto second = probe.speech({"I", "would", "like", "a", "table"}) +
                      FakeAssemblyAi::silence(milliseconds(600));
  // The socket drops in the middle of "like", after the first turn ended.
  options.drop_after_bytes = first.size() + 2 * 3200 + 1200;
  FakeAssemblyAi fake(options);
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
  EXPECT_EQ(streams[1].count_sent("hello"), 0U);
  // The first turn ended with "there" at 700 ms: the new session hears everything after it,
  // once, as 50 ms chunks.
  const auto all = first + second;
  ASSERT_TRUE(run_until([&] { return seen(fake, 1).audio.size() == all.size() - 5600; }))
      << seen(fake, 1).audio.size();
  EXPECT_TRUE(seen(fake, 1).audio == all.substr(5600));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  // Word times stay in the call's audio clock across sessions.
  const auto& replayed = recorder.finals.at(1);
  ASSERT_TRUE(replayed.start_ms && replayed.end_ms);
  EXPECT_NEAR(*replayed.start_ms, 1400.0, 1.0);  // after the first 1400 ms of audio
  EXPECT_NEAR(*replayed.end_ms, 1400.0 + 5 * 400 - 100, 1.0);
  stream->close();
}

TEST_F(AssemblyAiReconnectTest, ReconnectsWithin500MillisecondsAndBillsTheReplay) {
  FakeAssemblyAiOptions options;
  options.drop_after_bytes = 1600;
  FakeAssemblyAi fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeAssemblyAi::silence(milliseconds(200)));
  ASSERT_TRUE(run_until([&] {
    const auto streams = fake.streams();
    return !streams.empty() && streams[0].ended;
  }));
  const auto dropped = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] {
    const auto streams = fake.streams();
    return streams.size() == 2 && streams[1].audio.size() == 1600;  // the drop lost nothing
  }));
  EXPECT_LT(std::chrono::steady_clock::now() - dropped, milliseconds(500));
  push(*stream, FakeAssemblyAi::silence(milliseconds(300)));
  ASSERT_TRUE(run_until([&] { return seen(fake, 1).audio.size() == 4000; }));
  // 0.5 s pushed; the 0.2 s before the drop went out twice.
  EXPECT_DOUBLE_EQ(stt->billed_audio_seconds(), 0.7);
  ASSERT_EQ(recorder.replayed.size(), 1U);
  EXPECT_DOUBLE_EQ(recorder.replayed[0], 0.2);
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

TEST_F(AssemblyAiReconnectTest, AFormattedTurnCutOffByTheDropIsFinalOnce) {
  FakeAssemblyAiOptions options;
  options.omit_formatted_turns = true;
  FakeAssemblyAi probe(options);
  const auto words = probe.speech({"hello"}) + FakeAssemblyAi::silence(milliseconds(600));
  options.drop_after_bytes = words.size() + 800;
  FakeAssemblyAi fake(options);
  auto config = config_for(fake);
  config.format_turns = true;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, words + FakeAssemblyAi::silence(milliseconds(300)));
  ASSERT_TRUE(run_until([&] { return fake.streams().size() == 2; }));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"hello"});
  clock_->advance(std::chrono::seconds(2));
  (void)run_until([] { return false; }, milliseconds(100));
  EXPECT_EQ(recorder.count("final"), 1U);
  EXPECT_EQ(seen(fake, 1).count_sent("hello"), 0U);
  stream->close();
}

}  // namespace
}  // namespace patter::providers::testing
