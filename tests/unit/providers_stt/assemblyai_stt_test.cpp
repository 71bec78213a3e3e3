// The AssemblyAI client against the fake AssemblyAI: the query, 50 ms chunks of the carrier's
// bytes, partial and ended turns, formatted turns, ForceEndpoint, KeepAlive and Terminate.

#include <chrono>

#include "assemblyai_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeAssemblyAi;
using fakes::FakeAssemblyAiOptions;
using std::chrono::milliseconds;

class AssemblyAiStreamTest : public AssemblyAiTest {};

bool every_frame_is(const fakes::FakeAssemblyAiStream& stream, double ms) {
  return std::all_of(stream.frame_ms.begin(), stream.frame_ms.end(),
                     [ms](double length) { return std::abs(length - ms) < 1e-9; });
}

TEST_F(AssemblyAiStreamTest, AsksForTheCarrierAudioAsItIsAndTheTurnSettings) {
  FakeAssemblyAi fake;
  auto stt = provider(config_for(fake));
  EXPECT_EQ(stt->name(), "assemblyai");
  EXPECT_EQ(stt->model(), "universal-streaming-english");
  EXPECT_EQ(stt->input_format(), kTelephonyMulaw);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(connected());
  ASSERT_TRUE(fake.wait_for([](const auto& streams) {
    return !streams.empty() && streams[0].count_sent("\"Begin\"") == 1;
  }));
  const auto record = seen(fake);
  EXPECT_EQ(record.authorization, "aai-test-key");
  EXPECT_EQ(record.query_param("speech_model"), "universal-streaming-english");
  EXPECT_EQ(record.query_param("encoding"), "pcm_mulaw");
  EXPECT_EQ(record.query_param("sample_rate"), "8000");
  EXPECT_EQ(record.query_param("format_turns"), "false");
  EXPECT_EQ(record.query_param("end_of_turn_confidence_threshold"), "0.4");
  EXPECT_EQ(record.query_param("min_turn_silence"), "400");
  EXPECT_EQ(record.query_param("max_turn_silence"), "1280");
  EXPECT_FALSE(record.query_param("keyterms_prompt"));
  stream->close();
}

TEST_F(AssemblyAiStreamTest, PartialTurnsAreInterimAndTheEndedTurnOneFinal) {
  FakeAssemblyAi fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello", "there"}) + FakeAssemblyAi::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }))
      << ::testing::PrintToString(recorder.order);

  ASSERT_GE(recorder.interims.size(), 2U);
  EXPECT_EQ(recorder.interims.front().text, "hello");
  EXPECT_EQ(recorder.interims.back().text, "hello there");
  const auto& final = recorder.finals.at(0);
  EXPECT_EQ(final.text, "hello there");
  EXPECT_TRUE(final.speech_final);
  EXPECT_GT(final.confidence, 0.9);
  ASSERT_TRUE(final.start_ms && final.end_ms);
  EXPECT_NEAR(*final.start_ms, 0.0, 1.0);
  EXPECT_NEAR(*final.end_ms, 700.0, 1.0);  // 300 ms word, 100 ms gap, 300 ms word
  EXPECT_EQ(recorder.order.front(), "started");
  EXPECT_EQ(recorder.count("ended"), 1U);
  EXPECT_EQ(recorder.count("final"), 1U);
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

TEST_F(AssemblyAiStreamTest, TheCarrierBytesGoThroughUntouchedIn50MillisecondChunks) {
  FakeAssemblyAi fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio = fake.speech({"two"}) + FakeAssemblyAi::silence(milliseconds(600));
  ASSERT_TRUE(connected());
  stream->push_audio({});
  push(*stream, audio);
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  ASSERT_TRUE(run_until([&] { return seen(fake).audio.size() == audio.size(); }));
  const auto record = seen(fake);
  EXPECT_TRUE(record.audio == audio);
  EXPECT_EQ(record.audio_frames, audio.size() / 400);
  EXPECT_TRUE(every_frame_is(record, 50.0)) << ::testing::PrintToString(record.frame_ms);
  stream->close();
}

TEST_F(AssemblyAiStreamTest, ALongerChunkIsHonoured) {
  FakeAssemblyAi fake;
  auto config = config_for(fake);
  config.chunk = milliseconds(100);
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeAssemblyAi::silence(milliseconds(500)));
  ASSERT_TRUE(run_until([&] { return seen(fake).audio_frames == 5; }));
  EXPECT_TRUE(every_frame_is(seen(fake), 100.0));
  stream->close();
}

TEST_F(AssemblyAiStreamTest, FormattedTurnsAreDeliveredOnce) {
  FakeAssemblyAi fake;
  auto config = config_for(fake);
  config.format_turns = true;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello", "there"}) + FakeAssemblyAi::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  ASSERT_TRUE(run_until([&] { return seen(fake).count_sent("\"end_of_turn\":true") == 2; }));
  // Anything still on its way would arrive in this time.
  (void)run_until([] { return false; }, milliseconds(200));
  EXPECT_EQ(seen(fake).query_param("format_turns"), "true");
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"Hello there."});
  EXPECT_EQ(recorder.count("final"), 1U);
  EXPECT_EQ(recorder.count("ended"), 1U);
  stream->close();
}

TEST_F(AssemblyAiStreamTest, WithoutTheFormattedTurnThePlainTextIsFinalAfterTheWait) {
  FakeAssemblyAiOptions options;
  options.omit_formatted_turns = true;
  FakeAssemblyAi fake(options);
  auto config = config_for(fake);
  config.format_turns = true;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"thanks"}) + FakeAssemblyAi::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return seen(fake).count_sent("\"end_of_turn\":true") == 1; }));
  poll();
  EXPECT_TRUE(recorder.finals.empty());
  clock_->advance(milliseconds(999));
  poll();
  EXPECT_TRUE(recorder.finals.empty());
  clock_->advance(milliseconds(1));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"thanks"});
  stream->close();
}

TEST_F(AssemblyAiStreamTest, FinalizeFlushesThePaddedRestAndForcesTheEndpoint) {
  FakeAssemblyAi fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  // 320 ms of "table": six whole chunks and 20 ms the client holds until it is flushed.
  const auto audio = fake.speech({"table"}, milliseconds(320), milliseconds(0));
  push(*stream, audio);
  ASSERT_TRUE(run_until([&] { return !recorder.interims.empty(); }));
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "table");
  EXPECT_TRUE(recorder.finals.at(0).speech_final);
  ASSERT_TRUE(recorder.finals.at(0).end_ms);
  EXPECT_NEAR(*recorder.finals.at(0).end_ms, 320.0, 1.0);  // the padding is not the caller's
  const auto record = seen(fake);
  EXPECT_EQ(record.control, std::vector<std::string>{"ForceEndpoint"});
  EXPECT_TRUE(every_frame_is(record, 50.0)) << ::testing::PrintToString(record.frame_ms);
  ASSERT_EQ(record.audio.size(), 2800U);
  EXPECT_TRUE(record.audio.substr(0, audio.size()) == audio);
  EXPECT_TRUE(record.audio.substr(audio.size()) == std::string(240, '\xFF'));
  stream->close();
}

TEST_F(AssemblyAiStreamTest, WordTimesStayInTheCallsClockAfterPadding) {
  FakeAssemblyAi fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"table"}, milliseconds(320), milliseconds(0)));
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 1; }));
  // The stream now holds 30 ms of padding the call never had.
  push(*stream, FakeAssemblyAi::silence(milliseconds(80)) + fake.speech({"for", "two"}) +
                    FakeAssemblyAi::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 2; }));
  const auto& second = recorder.finals.at(1);
  EXPECT_EQ(second.text, "for two");
  ASSERT_TRUE(second.start_ms && second.end_ms);
  EXPECT_NEAR(*second.start_ms, 400.0, 1.0);
  EXPECT_NEAR(*second.end_ms, 400.0 + 700.0, 1.0);
  stream->close();
}

TEST_F(AssemblyAiStreamTest, FinalizeWithNothingToEndIsAnsweredByAnEmptyFinal) {
  FakeAssemblyAi fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeAssemblyAi::silence(milliseconds(100)));
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return seen(fake).count_control("ForceEndpoint") == 1; }));
  poll();
  EXPECT_TRUE(recorder.finals.empty());
  clock_->advance(milliseconds(1000));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "");
  EXPECT_EQ(recorder.count("final"), 1U);
  stream->close();
}

TEST_F(AssemblyAiStreamTest, FinalizeBeforeTheSocketOpensIsSentOnceItDoes) {
  FakeAssemblyAi fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio = fake.speech({"please"}, milliseconds(200), milliseconds(0));
  stream->push_audio({reinterpret_cast<const std::uint8_t*>(audio.data()), audio.size()});
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"please"});
  const auto record = seen(fake);
  EXPECT_TRUE(record.audio == audio);
  EXPECT_EQ(record.count_control("ForceEndpoint"), 1U);
  stream->close();
}

TEST_F(AssemblyAiStreamTest, KeepAliveOnlyAfterTheIntervalWithoutAudio) {
  FakeAssemblyAi fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(connected());
  clock_->advance(std::chrono::seconds(4));
  push(*stream, FakeAssemblyAi::silence(milliseconds(50)));
  clock_->advance(std::chrono::seconds(4));  // 4 s since the audio: nothing to keep alive
  ASSERT_TRUE(run_until([&] { return seen(fake).audio_frames == 1; }));
  EXPECT_EQ(seen(fake).count_control("KeepAlive"), 0U);
  for (int i = 0; i < 2; ++i) {
    clock_->advance(std::chrono::seconds(5));
    poll();
  }
  EXPECT_TRUE(run_until([&] { return seen(fake).count_control("KeepAlive") == 2; }));
  EXPECT_EQ(seen(fake).audio.size(), 400U);
  stream->close();
}

TEST_F(AssemblyAiStreamTest, CloseTerminatesTheSessionAndNothingFollows) {
  FakeAssemblyAiOptions options;
  options.latency = milliseconds(200);  // turns still on their way when the call closes
  FakeAssemblyAi fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(connected());
  push(*stream, fake.speech({"hello", "there"}) + FakeAssemblyAi::silence(milliseconds(610)));
  stream->close();
  ASSERT_TRUE(run_until([&] { return seen(fake).ended; }));
  EXPECT_TRUE(run_until_idle());
  EXPECT_TRUE(recorder.order.empty()) << ::testing::PrintToString(recorder.order);
  const auto record = seen(fake);
  EXPECT_EQ(record.control, std::vector<std::string>{"Terminate"});
  EXPECT_EQ(record.count_sent("\"Termination\""), 1U);
  EXPECT_EQ(record.server_close_code, 1000);
  EXPECT_EQ(record.audio.size(), 11600U);  // the 10 ms rest went out padded to a chunk
  EXPECT_TRUE(every_frame_is(record, 50.0));
  stream->push_audio({reinterpret_cast<const std::uint8_t*>("\x01"), 1});
  stream->finalize();
  poll();
  EXPECT_EQ(seen(fake).audio.size(), record.audio.size());
}

TEST_F(AssemblyAiStreamTest, Pcm16AudioAt16Kilohertz) {
  FakeAssemblyAi fake;
  auto config = config_for(fake);
  config.input_format = kPcm16k;
  auto stt = provider(config);
  EXPECT_EQ(stt->input_format(), kPcm16k);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio =
      fake.speech({"tonight"}, milliseconds(300), milliseconds(100), 16000, "pcm_s16le") +
      FakeAssemblyAi::silence(milliseconds(600), 16000, "pcm_s16le");
  push(*stream, audio, 640);
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"tonight"});
  const auto record = seen(fake);
  EXPECT_EQ(record.query_param("encoding"), "pcm_s16le");
  EXPECT_EQ(record.query_param("sample_rate"), "16000");
  EXPECT_TRUE(every_frame_is(record, 50.0));
  stream->close();
}

TEST_F(AssemblyAiStreamTest, WorksOverTlsWithKeyterms) {
  FakeAssemblyAiOptions options;
  options.tls = true;
  FakeAssemblyAi fake(options);
  auto config = config_for(fake);
  config.keyterms = {"Trattoria", "Patter"};
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"thanks"}) + FakeAssemblyAi::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "thanks");
  EXPECT_EQ(seen(fake).query_param("keyterms_prompt"), R"(["Trattoria","Patter"])");
  stream->close();
}

TEST_F(AssemblyAiStreamTest, EveryStreamOfAProviderIsBilledByTheAudioItSent) {
  FakeAssemblyAi fake;
  auto stt = provider(config_for(fake));
  SttRecorder first;
  SttRecorder second;
  auto one = stt->open(context("CA1"), first.events());
  auto two = stt->open(context("CA2"), second.events());
  push(*one, FakeAssemblyAi::silence(milliseconds(1000)));
  push(*two, FakeAssemblyAi::silence(milliseconds(500)));
  ASSERT_TRUE(run_until([&] { return stt->billed_audio_seconds() >= 1.5; }));
  EXPECT_DOUBLE_EQ(stt->billed_audio_seconds(), 1.5);
  one->close();
  two->close();
}

}  // namespace
}  // namespace patter::providers::testing
