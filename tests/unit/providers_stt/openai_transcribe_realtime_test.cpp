// The OpenAI Realtime transcription client against the fake: the session it asks for, the
// carrier's bytes passed through, interim and final transcripts, speech edges, finalize() and
// close().

#include <boost/json.hpp>
#include <chrono>

#include "openai_transcribe_test_support.hpp"

namespace patter::providers::testing {
namespace {

namespace json = boost::json;
using fakes::FakeOpenAiAudio;
using fakes::FakeOpenAiAudioOptions;
using std::chrono::milliseconds;

class OpenAiRealtimeSttTest : public OpenAiTranscribeTest {};

TEST_F(OpenAiRealtimeSttTest, AsksForATranscriptionSessionAndPassesTheCarrierBytesThrough) {
  FakeOpenAiAudio fake;
  auto stt = provider(config_for(fake));
  EXPECT_EQ(stt->name(), "openai_transcribe");
  EXPECT_EQ(stt->model(), "gpt-4o-transcribe");
  EXPECT_EQ(stt->input_format(), kTelephonyMulaw);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !first_socket(fake).session_updates.empty(); }));
  const auto audio = fake.speech({"hello", "there"}) + FakeOpenAiAudio::silence(milliseconds(600));
  push(*stream, audio);
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }))
      << ::testing::PrintToString(recorder.order);

  ASSERT_TRUE(run_until([&] { return first_socket(fake).audio.size() == audio.size(); }));
  const auto seen = first_socket(fake);
  EXPECT_EQ(seen.authorization, "Bearer " + fake.options().api_key);
  EXPECT_EQ(seen.beta_header, "realtime=v1");
  EXPECT_EQ(seen.query_param("intent"), "transcription");
  ASSERT_EQ(seen.session_updates.size(), 1U);
  EXPECT_EQ(seen.received.front(), "transcription_session.update");
  const auto session = json::parse(seen.session_updates[0]).as_object();
  EXPECT_EQ(session.at("input_audio_format"), "g711_ulaw");
  const auto& transcription = session.at("input_audio_transcription").as_object();
  EXPECT_EQ(transcription.at("model"), "gpt-4o-transcribe");
  EXPECT_EQ(transcription.at("language"), "en");  // the call's en-US, as ISO 639-1
  EXPECT_FALSE(transcription.contains("prompt"));
  const auto& detection = session.at("turn_detection").as_object();
  EXPECT_EQ(detection.at("type"), "server_vad");
  EXPECT_DOUBLE_EQ(detection.at("threshold").as_double(), 0.5);
  EXPECT_EQ(detection.at("prefix_padding_ms"), 300);
  EXPECT_EQ(detection.at("silence_duration_ms"), 500);
  EXPECT_FALSE(session.contains("input_audio_noise_reduction"));
  // Every byte arrived as it was pushed, in one append per frame and none empty.
  EXPECT_EQ(seen.appends_before_update, 0U);
  EXPECT_TRUE(seen.audio == audio);
  EXPECT_EQ(seen.appends, audio.size() / 160);
  EXPECT_EQ(seen.empty_appends, 0U);
  EXPECT_TRUE(seen.errors.empty()) << ::testing::PrintToString(seen.errors);
  stream->close();
}

TEST_F(OpenAiRealtimeSttTest, DeltasAreInterimsAndEachUtteranceEndsWithOneFinal) {
  FakeOpenAiAudio fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"hello", "there"}) + FakeOpenAiAudio::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));

  EXPECT_EQ(recorder.order,
            (std::vector<std::string>{"started", "ended", "interim", "interim", "final"}));
  EXPECT_EQ(recorder.interims.at(0).text, "hello");
  EXPECT_EQ(recorder.interims.at(1).text, "hello there");
  const auto& final = recorder.finals.at(0);
  EXPECT_EQ(final.text, "hello there");
  EXPECT_TRUE(final.speech_final);
  // The item runs from the stream's start (speech at 0 ms, the padding clipped) to the end of
  // the 500 ms of silence that ended it: 700 ms of words and gap, then 500 ms.
  ASSERT_TRUE(final.start_ms && final.end_ms);
  EXPECT_NEAR(*final.start_ms, 0.0, 1.0);
  EXPECT_NEAR(*final.end_ms, 1200.0, 1.0);

  push(*stream, fake.speech({"table", "for", "two"}) + FakeOpenAiAudio::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 2; }));
  EXPECT_EQ(recorder.final_texts(), (std::vector<std::string>{"hello there", "table for two"}));
  EXPECT_EQ(recorder.count("started"), 2U);
  EXPECT_EQ(recorder.count("ended"), 2U);
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

TEST_F(OpenAiRealtimeSttTest, TheSessionCarriesTheOptions) {
  FakeOpenAiAudio fake;
  auto config = config_for(fake);
  config.model = "gpt-4o-mini-transcribe";
  config.language = "it";
  config.prompt = "Trattoria, prenotazione";
  config.server_vad = {0.6, 200, 700};
  config.noise_reduction = "near_field";
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return first_socket(fake).model == "gpt-4o-mini-transcribe"; }));
  const auto seen = first_socket(fake);
  EXPECT_EQ(seen.language, "it");
  EXPECT_EQ(seen.prompt, "Trattoria, prenotazione");
  const auto session = json::parse(seen.session_updates.at(0)).as_object();
  EXPECT_EQ(session.at("turn_detection").at("silence_duration_ms"), 700);
  EXPECT_EQ(session.at("turn_detection").at("prefix_padding_ms"), 200);
  EXPECT_EQ(session.at("input_audio_noise_reduction").at("type"), "near_field");
  stream->close();
}

TEST_F(OpenAiRealtimeSttTest, ScriptedTranscriptsComeBackAsTheFinal) {
  FakeOpenAiAudioOptions options;
  options.transcripts = {"Hi, I'd like a table for two."};
  FakeOpenAiAudio fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"table"}) + FakeOpenAiAudio::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "Hi, I'd like a table for two.");
  EXPECT_EQ(recorder.interims.back().text, "Hi, I'd like a table for two.");
  stream->close();
}

TEST_F(OpenAiRealtimeSttTest, FinalizeCommitsTheSpeechInProgress) {
  FakeOpenAiAudio fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"table"}, milliseconds(300), milliseconds(0)));
  ASSERT_TRUE(run_until([&] { return recorder.count("started") == 1; }));
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "table");
  EXPECT_FALSE(recorder.finals.at(0).speech_final);  // the call ended it, not the server's VAD
  EXPECT_EQ(recorder.count("ended"), 1U);
  EXPECT_EQ(first_socket(fake).commits, 1U);
  stream->close();
}

TEST_F(OpenAiRealtimeSttTest, FinalizeWithNothingPendingAnswersAtOnceWithoutACommit) {
  FakeOpenAiAudio fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeOpenAiAudio::silence(milliseconds(400)));
  ASSERT_TRUE(run_until([&] { return first_socket(fake).audio.size() == 3200; }));
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "");
  EXPECT_EQ(first_socket(fake).commits, 0U);  // no transcription of silence
  stream->close();
}

TEST_F(OpenAiRealtimeSttTest, FinalizeBeforeTheSocketOpensCommitsOnceItDoes) {
  FakeOpenAiAudio fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio = fake.speech({"please"}, milliseconds(200), milliseconds(0));
  stream->push_audio({reinterpret_cast<const std::uint8_t*>(audio.data()), audio.size()});
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "please");
  const auto seen = first_socket(fake);
  EXPECT_TRUE(seen.audio == audio);
  EXPECT_EQ(seen.commits, 1U);
  stream->close();
}

TEST_F(OpenAiRealtimeSttTest, NeverSendsAnEmptyAppend) {
  FakeOpenAiAudio fake;
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  stream->push_audio({});
  const auto audio = fake.speech({"two"}) + FakeOpenAiAudio::silence(milliseconds(600));
  push(*stream, audio);
  stream->push_audio({});
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  stream->close();
  ASSERT_TRUE(run_until([&] { return first_socket(fake).ended; }));
  EXPECT_EQ(first_socket(fake).empty_appends, 0U);
  EXPECT_TRUE(first_socket(fake).audio == audio);
}

TEST_F(OpenAiRealtimeSttTest, CloseEndsTheSocketPolitelyAndNothingFollows) {
  FakeOpenAiAudioOptions options;
  options.transcription_latency = milliseconds(100);  // still on its way when the call closes
  FakeOpenAiAudio fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !first_socket(fake).session_updates.empty(); }));
  push(*stream, fake.speech({"hello"}) + FakeOpenAiAudio::silence(milliseconds(600)));
  recorder.order.clear();
  stream->close();
  ASSERT_TRUE(run_until([&] { return first_socket(fake).ended; }));
  run_for(milliseconds(200));
  EXPECT_TRUE(recorder.finals.empty());
  EXPECT_TRUE(recorder.order.empty()) << ::testing::PrintToString(recorder.order);
  const auto seen = first_socket(fake);
  EXPECT_EQ(seen.client_close_code, 1000);
  EXPECT_EQ(seen.commits, 0U);
  stream->push_audio({reinterpret_cast<const std::uint8_t*>("\x01"), 1});
  stream->finalize();
  poll();
  EXPECT_EQ(first_socket(fake).audio.size(), seen.audio.size());
}

TEST_F(OpenAiRealtimeSttTest, ALawIsAskedForByName) {
  FakeOpenAiAudio fake;
  auto config = config_for(fake);
  config.input_format = kTelephonyAlaw;
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return first_socket(fake).input_audio_format == "g711_alaw"; }));
  stream->close();
}

TEST_F(OpenAiRealtimeSttTest, WorksOverTls) {
  FakeOpenAiAudioOptions options;
  options.tls = true;
  FakeOpenAiAudio fake(options);
  auto stt = provider(config_for(fake));
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"thanks"}) + FakeOpenAiAudio::silence(milliseconds(600)));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "thanks");
  stream->close();
}

TEST_F(OpenAiRealtimeSttTest, EveryStreamIsBilledByTheAudioItSent) {
  FakeOpenAiAudio fake;
  auto stt = provider(config_for(fake));
  SttRecorder first;
  SttRecorder second;
  auto one = stt->open(context("CA1"), first.events());
  auto two = stt->open(context("CA2"), second.events());
  push(*one, FakeOpenAiAudio::silence(milliseconds(1000)));
  push(*two, FakeOpenAiAudio::silence(milliseconds(500)));
  ASSERT_TRUE(run_until([&] { return stt->billed_audio_seconds() >= 1.5; }));
  EXPECT_DOUBLE_EQ(stt->billed_audio_seconds(), 1.5);
  one->close();
  two->close();
}

}  // namespace
}  // namespace patter::providers::testing
