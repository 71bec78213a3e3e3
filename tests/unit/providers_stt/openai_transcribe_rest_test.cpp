// The REST transport (POST /v1/audio/transcriptions per utterance) against the fake: what is
// sent, that silence never is, finalize(), retries, failures and close().

#include <boost/asio/co_spawn.hpp>
#include <chrono>

#include "audio/wav.hpp"
#include "fakes/run_coroutine.hpp"
#include "net/http_client.hpp"
#include "openai_transcribe_test_support.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeOpenAiAudio;
using fakes::FakeOpenAiAudioOptions;
using fakes::FakeOpenAiAudioReply;
using std::chrono::milliseconds;

class OpenAiRestSttTest : public OpenAiTranscribeTest {
 protected:
  std::unique_ptr<OpenAiTranscribeStt> rest_provider(const FakeOpenAiAudio& fake,
                                                     int max_attempts = 3) const {
    auto config = config_for(fake, OpenAiTranscribeTransport::rest);
    config.max_attempts = max_attempts;
    return provider(std::move(config));
  }

  // Half a second of silence, the words, then enough silence to end the utterance.
  static std::string utterance(const FakeOpenAiAudio& fake, const std::vector<std::string>& words) {
    return FakeOpenAiAudio::silence(milliseconds(500)) + fake.speech(words) +
           FakeOpenAiAudio::silence(milliseconds(800));
  }
};

TEST_F(OpenAiRestSttTest, AnUtteranceIsOneRequestWithAWavOfItAndOneFinal) {
  FakeOpenAiAudio fake;
  auto stt = rest_provider(fake);
  EXPECT_EQ(stt->name(), "whisper");
  EXPECT_EQ(stt->model(), "whisper-1");
  EXPECT_EQ(stt->input_format(), kTelephonyMulaw);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  const auto audio = utterance(fake, {"hello", "there"});
  push(*stream, audio);
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }))
      << ::testing::PrintToString(recorder.order);

  EXPECT_EQ(recorder.order, (std::vector<std::string>{"started", "ended", "final"}));
  const auto& final = recorder.finals.at(0);
  EXPECT_EQ(final.text, "hello there");
  EXPECT_TRUE(final.speech_final);
  ASSERT_TRUE(final.start_ms && final.end_ms);
  EXPECT_NEAR(*final.start_ms, 500.0 - 300.0, 40.0);  // the speech, with 300 ms before it
  EXPECT_GT(*final.end_ms, 1200.0);                   // past the last word
  EXPECT_LT(*final.end_ms, 1200.0 + 300.0 + 100.0);

  const auto requests = fake.transcription_requests();
  ASSERT_EQ(requests.size(), 1U);
  const auto& request = requests[0];
  EXPECT_EQ(request.rejection, "");
  EXPECT_EQ(request.authorization, "Bearer " + fake.options().api_key);
  EXPECT_TRUE(request.content_type.starts_with("multipart/form-data; boundary="));
  EXPECT_EQ(request.field("model"), "whisper-1");
  EXPECT_EQ(request.field("language"), "en");
  EXPECT_EQ(request.field("response_format"), "json");
  EXPECT_FALSE(request.field("prompt"));
  EXPECT_EQ(request.file_name, "utterance.wav");
  EXPECT_EQ(request.file_content_type, "audio/wav");
  EXPECT_EQ(request.wav_encoding, "pcm16_le");
  EXPECT_EQ(request.wav_sample_rate, 8000);
  EXPECT_EQ(request.wav_channels, 1);
  EXPECT_NEAR(request.duration_ms, *final.end_ms - *final.start_ms, 1.0);
  EXPECT_NEAR(stt->billed_audio_seconds() * 1000.0, request.duration_ms, 1.0);
  stream->close();
}

TEST_F(OpenAiRestSttTest, SilenceIsNeverSent) {
  FakeOpenAiAudio fake;
  auto stt = rest_provider(fake);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, FakeOpenAiAudio::silence(milliseconds(3000)));
  run_for(milliseconds(100));
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "");  // the answer to finalize(), at once
  run_for(milliseconds(100));
  EXPECT_TRUE(fake.transcription_requests().empty());
  EXPECT_EQ(fake.connections(), 0U);
  EXPECT_EQ(recorder.order, std::vector<std::string>{"final"});
  EXPECT_DOUBLE_EQ(stt->billed_audio_seconds(), 0.0);
  stream->close();
}

TEST_F(OpenAiRestSttTest, FinalizeSendsTheUtteranceInProgress) {
  FakeOpenAiAudio fake;
  auto stt = rest_provider(fake);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"table"}, milliseconds(400), milliseconds(0)));
  ASSERT_TRUE(run_until([&] { return recorder.count("started") == 1; }));
  stream->finalize();
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.finals.at(0).text, "table");
  EXPECT_FALSE(recorder.finals.at(0).speech_final);
  EXPECT_EQ(recorder.order, (std::vector<std::string>{"started", "ended", "final"}));
  EXPECT_EQ(fake.transcription_requests().size(), 1U);
  stream->close();
}

TEST_F(OpenAiRestSttTest, UtterancesAreTranscribedInOrderOverOneConnection) {
  FakeOpenAiAudioOptions options;
  options.transcripts = {"Hello there.", "A table for two, please."};
  FakeOpenAiAudio fake(options);
  auto stt = rest_provider(fake);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, utterance(fake, {"hello", "there"}) + utterance(fake, {"table", "for", "two"}));
  ASSERT_TRUE(run_until([&] { return recorder.finals.size() == 2; }));
  EXPECT_EQ(recorder.final_texts(),
            (std::vector<std::string>{"Hello there.", "A table for two, please."}));
  const auto requests = fake.transcription_requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[0].connection_id, requests[1].connection_id);
  stream->close();
}

TEST_F(OpenAiRestSttTest, ALongUtteranceIsSentInParts) {
  FakeOpenAiAudio fake;
  auto config = config_for(fake, OpenAiTranscribeTransport::rest);
  config.gate.max_utterance = milliseconds(1500);
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, fake.speech({"I", "would", "like", "a", "table"}) +
                    FakeOpenAiAudio::silence(milliseconds(800)));
  ASSERT_TRUE(
      run_until([&] { return recorder.count("ended") == 1 && recorder.finals.size() == 2; }));
  run_for(milliseconds(100));
  const auto requests = fake.transcription_requests();
  ASSERT_EQ(requests.size(), 2U);
  for (const auto& request : requests) EXPECT_LE(request.duration_ms, 1500.0);
  EXPECT_FALSE(recorder.finals.front().speech_final);
  EXPECT_TRUE(recorder.finals.back().speech_final);
  stream->close();
}

TEST_F(OpenAiRestSttTest, ARejectedKeyNamesTheVariable) {
  FakeOpenAiAudio fake;
  auto config = config_for(fake, OpenAiTranscribeTransport::rest);
  config.api_key = "sk-wrong-rest-key";
  auto stt = provider(config);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, utterance(fake, {"hello"}));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "OPENAI_API_KEY")) << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "HTTP 401")) << recorder.errors.front();
  EXPECT_FALSE(contains(recorder.errors.front(), "sk-wrong-rest-key")) << recorder.errors.front();
  EXPECT_EQ(fake.transcription_requests().size(), 1U);
}

TEST_F(OpenAiRestSttTest, AShortRateLimitIsWaitedOut) {
  FakeOpenAiAudio fake;
  fake.enqueue_transcription(FakeOpenAiAudioReply::rate_limited(0));
  auto stt = rest_provider(fake);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, utterance(fake, {"hello"}));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"hello"});
  EXPECT_EQ(fake.transcription_requests().size(), 2U);
  EXPECT_TRUE(recorder.errors.empty());
  stream->close();
}

TEST_F(OpenAiRestSttTest, ALongRateLimitFailsAtOnce) {
  FakeOpenAiAudio fake;
  fake.enqueue_transcription(FakeOpenAiAudioReply::rate_limited(30));
  auto stt = rest_provider(fake);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, utterance(fake, {"hello"}));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "rate limited (HTTP 429"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "(rate_limit_exceeded)"))
      << recorder.errors.front();
  EXPECT_EQ(fake.transcription_requests().size(), 1U);
}

TEST_F(OpenAiRestSttTest, ServerErrorsAndDropsAreRetriedThenFail) {
  FakeOpenAiAudio fake;
  FakeOpenAiAudioReply dropped;
  dropped.disconnect_after = 0;
  fake.enqueue_transcription(FakeOpenAiAudioReply::server_error(503));
  fake.enqueue_transcription(dropped);
  auto stt = rest_provider(fake, 3);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, utterance(fake, {"hello"}));
  ASSERT_TRUE(run_until([&] { return !recorder.finals.empty(); }));
  EXPECT_EQ(recorder.final_texts(), std::vector<std::string>{"hello"});
  EXPECT_EQ(fake.transcription_requests().size(), 3U);

  fake.enqueue_transcription(FakeOpenAiAudioReply::server_error(500));
  fake.enqueue_transcription(FakeOpenAiAudioReply::server_error(502));
  fake.enqueue_transcription(FakeOpenAiAudioReply::server_error(500));
  push(*stream, utterance(fake, {"two"}));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "server error (HTTP 500"))
      << recorder.errors.front();
  EXPECT_TRUE(contains(recorder.errors.front(), "after 3 attempts")) << recorder.errors.front();
  EXPECT_EQ(fake.transcription_requests().size(), 6U);
}

TEST_F(OpenAiRestSttTest, AMalformedAnswerIsAClearError) {
  FakeOpenAiAudio fake;
  FakeOpenAiAudioReply broken;
  broken.malformed_after = 0;
  fake.enqueue_transcription(broken);
  auto stt = rest_provider(fake);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, utterance(fake, {"hello"}));
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  EXPECT_TRUE(contains(recorder.errors.front(), "openai_transcribe: malformed message"))
      << recorder.errors.front();
  EXPECT_TRUE(recorder.finals.empty());
}

TEST_F(OpenAiRestSttTest, CloseWhileARequestIsOnItsWayDeliversNothing) {
  FakeOpenAiAudio fake;
  FakeOpenAiAudioReply slow;
  slow.time_to_first_byte = milliseconds(300);
  fake.enqueue_transcription(slow);
  auto stt = rest_provider(fake);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, utterance(fake, {"hello"}));
  ASSERT_TRUE(run_until([&] { return fake.connections() == 1; }));
  recorder.order.clear();
  stream->close();
  run_for(milliseconds(500));
  EXPECT_TRUE(recorder.order.empty()) << ::testing::PrintToString(recorder.order);
}

TEST_F(OpenAiRestSttTest, TheFakeRefusesAFileThatIsNotAWav) {
  FakeOpenAiAudio fake;
  const auto key = fake.options().api_key;
  auto post = [&](std::string file) -> boost::asio::awaitable<net::HttpClientResponse> {
    net::HttpClient client(io_.get_executor());
    net::HttpClientRequest request;
    request.method = "POST";
    request.url = fake.base_url() + "/audio/transcriptions";
    request.headers = {{"Authorization", "Bearer " + key},
                       {"Content-Type", "multipart/form-data; boundary=xyz"}};
    request.body =
        "--xyz\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"
        "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
        "Content-Type: audio/wav\r\n\r\n" +
        file + "\r\n--xyz--\r\n";
    co_return co_await client.request(std::move(request));
  };
  const auto not_wav = fakes::run_coroutine(io_, post("ID3 this is an mp3, honest"));
  EXPECT_EQ(not_wav.status, 400);
  EXPECT_TRUE(contains(not_wav.body, "Invalid file format")) << not_wav.body;
  EXPECT_TRUE(contains(fake.transcription_requests().at(0).rejection, "WAV"))
      << fake.transcription_requests().at(0).rejection;

  const std::vector<std::int16_t> short_clip(400);  // 50 ms at 8 kHz
  const auto wav = audio::serialize_wav(audio::WavAudio::from_samples(short_clip, 8000));
  const auto too_short = fakes::run_coroutine(io_, post(std::string(wav.begin(), wav.end())));
  EXPECT_EQ(too_short.status, 400);
  EXPECT_TRUE(contains(too_short.body, "audio_too_short")) << too_short.body;
}

}  // namespace
}  // namespace patter::providers::testing
