#include "providers/tts/elevenlabs_tts.hpp"

#include <boost/json.hpp>

#include "core/manual_executor.hpp"
#include "tts_test_support.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;
using fakes::FakeElevenLabs;
using fakes::FakeElevenLabsOptions;
using fakes::FakeElevenLabsReply;
using std::chrono::milliseconds;

class ElevenLabsTtsTest : public testing::TtsClientTest {
 protected:
  ElevenLabsConfig config() const { return config_for(fake_, ElevenLabsTransport::http); }

  FakeElevenLabs fake_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(ElevenLabsTtsTest, StreamsTheToneUnchangedInTheCarriersFormat) {
  ElevenLabsTts tts(config());
  EXPECT_EQ(tts.name(), "elevenlabs");
  EXPECT_EQ(tts.model(), "eleven_flash_v2_5");
  EXPECT_EQ(tts.output_format(), kTelephonyMulaw);
  const auto got = speak(tts, "Hello there, how can I help?");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(got.done);
  EXPECT_EQ(got.audio, fake_.audio_for("Hello there, how can I help?", "ulaw_8000"));
  EXPECT_GT(got.chunks, 1u);
  EXPECT_EQ(got.order, (std::vector<std::string>{"audio", "done"}));
  EXPECT_EQ(fake_.characters_spoken(), std::string("Hello there, how can I help?").size());
}

TEST_F(ElevenLabsTtsTest, SendsAFaithfulRequest) {
  auto settings = config();
  settings.voice_id = "21m00Tcm4TlvDq8ikWAM";
  settings.optimize_streaming_latency = 3;
  settings.voice_settings.stability = 0.6;
  settings.voice_settings.use_speaker_boost = false;
  settings.language_code = "it";
  ElevenLabsTts tts(settings);
  (void)speak(tts, "Ciao.");
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& request = requests[0];
  EXPECT_EQ(request.rejection, "");
  EXPECT_FALSE(request.websocket);
  EXPECT_EQ(request.voice_id, "21m00Tcm4TlvDq8ikWAM");
  EXPECT_EQ(request.header("xi-api-key"), fake_.options().api_key);
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.query_param("output_format"), "ulaw_8000");
  EXPECT_EQ(request.query_param("optimize_streaming_latency"), "3");
  EXPECT_FALSE(request.query_param("enable_logging"));
  const auto body = json::parse(request.body).as_object();
  EXPECT_EQ(body.at("text"), "Ciao.");
  EXPECT_EQ(body.at("model_id"), "eleven_flash_v2_5");
  EXPECT_EQ(body.at("language_code"), "it");
  EXPECT_DOUBLE_EQ(body.at("voice_settings").at("stability").as_double(), 0.6);
  EXPECT_EQ(body.at("voice_settings").at("use_speaker_boost"), false);
  EXPECT_FALSE(body.at("voice_settings").as_object().contains("style"));
}

TEST_F(ElevenLabsTtsTest, PcmOutputIsAskedForAndSaid) {
  auto settings = config();
  settings.output_format = "pcm_16000";
  ElevenLabsTts tts(settings);
  EXPECT_EQ(tts.output_format(), kPcm16k);
  const auto got = speak(tts, "Sixteen thousand.");
  EXPECT_EQ(got.audio, fake_.audio_for("Sixteen thousand.", "pcm_16000"));
  EXPECT_EQ(fake_.requests().at(0).query_param("output_format"), "pcm_16000");
}

TEST_F(ElevenLabsTtsTest, ReusesTheConnectionAcrossSentences) {
  ElevenLabsTts tts(config());
  EXPECT_TRUE(speak(tts, "First sentence.").done);
  EXPECT_TRUE(speak(tts, "Second sentence.").done);
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].connection_id, requests[1].connection_id);
  EXPECT_EQ(fake_.connections(), 1u);
}

TEST_F(ElevenLabsTtsTest, WarmupConnectsWithoutSynthesisingAndTheSentenceUsesThatConnection) {
  ElevenLabsTts tts(config());
  tts.warmup(context());
  ASSERT_TRUE(run_until([&] { return fake_.connections() == 1; }));
  run_for(milliseconds(50));
  EXPECT_TRUE(fake_.requests().empty());
  EXPECT_EQ(fake_.characters_spoken(), 0u);
  EXPECT_TRUE(speak(tts, "Hello.").done);
  EXPECT_EQ(fake_.connections(), 1u);
}

TEST_F(ElevenLabsTtsTest, CancelMidStreamStopsEventsAndClosesTheConnection) {
  FakeElevenLabsReply slow;
  slow.chunk_interval = milliseconds(20);
  fake_.enqueue(slow);
  ElevenLabsTts tts(config());
  testing::Recorder got;
  std::unique_ptr<TtsStream> stream;
  got.after_audio = [&] {
    if (got.chunks == 2) stream->cancel();
  };
  stream = tts.synthesize(context(), "A long sentence that takes a while to say.", got.events());
  ASSERT_TRUE(run_until([&] { return fake_.client_disconnects() == 1; }));
  run_for(milliseconds(100));
  EXPECT_EQ(got.chunks, 2u);
  EXPECT_FALSE(got.ended());
  EXPECT_EQ(fake_.completed_streams(), 0u);
  // The cancelled connection was closed, not pooled: the next sentence opens another.
  EXPECT_TRUE(speak(tts, "Next.").done);
  EXPECT_EQ(fake_.connections(), 2u);
}

TEST_F(ElevenLabsTtsTest, CancelBeforeTheFirstByteDeliversNothing) {
  FakeElevenLabsReply late;
  late.time_to_first_byte = milliseconds(300);
  fake_.enqueue(late);
  ElevenLabsTts tts(config());
  testing::Recorder got;
  auto stream = tts.synthesize(context(), "Too late.", got.events());
  ASSERT_TRUE(run_until([&] { return fake_.requests().size() == 1; }));
  stream->cancel();
  run_for(milliseconds(400));
  EXPECT_EQ(got.chunks, 0u);
  EXPECT_FALSE(got.ended());
}

TEST_F(ElevenLabsTtsTest, EventsAreRelayedToAnExecutorThatIsNotALoop) {
  ElevenLabsTts tts(config());
  auto executor = std::make_shared<core::ManualExecutor>();
  StreamContext relayed = context();
  relayed.executor = executor;
  testing::Recorder got;
  auto stream = tts.synthesize(relayed, "Relayed.", got.events());
  ASSERT_TRUE(run_until(
      [&] {
        executor->run_pending();
        return got.ended();
      },
      std::chrono::seconds(10)));
  EXPECT_EQ(got.audio, fake_.audio_for("Relayed.", "ulaw_8000"));
}

TEST_F(ElevenLabsTtsTest, UnauthorizedNamesTheVariableAndIsNotRetried) {
  auto settings = config();
  settings.api_key = "sk_wrong_key_0000000000";
  settings.max_attempts = 3;
  ElevenLabsTts tts(settings);
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "elevenlabs: authentication failed (HTTP 401")) << got.error();
  EXPECT_TRUE(contains(got.error(), "invalid_api_key")) << got.error();
  EXPECT_TRUE(contains(got.error(), "check ELEVENLABS_API_KEY")) << got.error();
  EXPECT_FALSE(contains(got.error(), "sk_wrong_key")) << got.error();
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(ElevenLabsTtsTest, UnknownVoiceIsNotFound) {
  auto settings = config();
  settings.voice_id = "zzzzzzzzzzzzzzzzzzzz";
  ElevenLabsTts tts(settings);
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "not found (HTTP 404")) << got.error();
  EXPECT_TRUE(contains(got.error(), "zzzzzzzzzzzzzzzzzzzz")) << got.error();
}

TEST_F(ElevenLabsTtsTest, RateLimitIsRetriedAfterAShortRetryAfter) {
  fake_.enqueue(FakeElevenLabsReply::rate_limited(0));
  auto settings = config();
  settings.max_attempts = 2;
  ElevenLabsTts tts(settings);
  const auto got = speak(tts, "Hello again.");
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.audio, fake_.audio_for("Hello again.", "ulaw_8000"));
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(ElevenLabsTtsTest, RateLimitWithALongRetryAfterFailsAtOnce) {
  fake_.enqueue(FakeElevenLabsReply::rate_limited(30));
  auto settings = config();
  settings.max_attempts = 3;
  ElevenLabsTts tts(settings);
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "rate limited (HTTP 429")) << got.error();
  EXPECT_TRUE(contains(got.error(), "retry after 30 seconds")) << got.error();
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(ElevenLabsTtsTest, ServerErrorIsRetriedBeforeAnyAudio) {
  fake_.enqueue(FakeElevenLabsReply::server_error(503));
  auto settings = config();
  settings.max_attempts = 2;
  ElevenLabsTts tts(settings);
  const auto got = speak(tts, "Retried.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(got.done);
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(ElevenLabsTtsTest, ServerErrorWhenAttemptsRunOut) {
  fake_.enqueue(FakeElevenLabsReply::server_error(500));
  ElevenLabsTts tts(config());
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "server error (HTTP 500")) << got.error();
  EXPECT_TRUE(contains(got.error(), "(retryable)")) << got.error();
}

TEST_F(ElevenLabsTtsTest, DisconnectAfterAudioIsAnErrorAndNotRetried) {
  FakeElevenLabsReply dropped;
  dropped.disconnect_after = 2;
  fake_.enqueue(dropped);
  auto settings = config();
  settings.max_attempts = 3;
  ElevenLabsTts tts(settings);
  const auto got = speak(tts, "This sentence is cut short by the server.");
  EXPECT_EQ(got.audio, fake_.audio_for("This sentence is cut short by the server.", "ulaw_8000")
                           .substr(0, 2 * 320));
  EXPECT_TRUE(contains(got.error(), "connection lost")) << got.error();
  EXPECT_EQ(got.order, (std::vector<std::string>{"audio", "error"}));
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(ElevenLabsTtsTest, DisconnectBeforeAudioIsRetried) {
  FakeElevenLabsReply dropped;
  dropped.disconnect_after = 0;
  fake_.enqueue(dropped);
  auto settings = config();
  settings.max_attempts = 2;
  ElevenLabsTts tts(settings);
  const auto got = speak(tts, "Second time lucky.");
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.audio, fake_.audio_for("Second time lucky.", "ulaw_8000"));
}

TEST_F(ElevenLabsTtsTest, MalformedChunkIsAClearError) {
  FakeElevenLabsReply broken;
  broken.malformed_after = 1;
  fake_.enqueue(broken);
  ElevenLabsTts tts(config());
  const auto got = speak(tts, "Broken in the middle.");
  EXPECT_TRUE(got.errors.size() == 1 && !got.done);
  EXPECT_TRUE(contains(got.error(), "elevenlabs: ")) << got.error();
}

TEST_F(ElevenLabsTtsTest, FirstByteTimeoutEndsAStalledSentence) {
  FakeElevenLabsReply stalled;
  stalled.stall_after = 0;
  fake_.enqueue(stalled);
  auto settings = config();
  settings.first_byte_timeout = milliseconds(150);
  ElevenLabsTts tts(settings);
  const auto got = speak(tts, "Never spoken.");
  EXPECT_TRUE(contains(got.error(), "timed out: no audio within 150 ms")) << got.error();
  EXPECT_EQ(got.chunks, 0u);
  EXPECT_TRUE(fake_.wait_for_client_disconnects(1, std::chrono::seconds(5)));
}

TEST_F(ElevenLabsTtsTest, SilenceAfterAudioEndsTheSentence) {
  FakeElevenLabsReply stalled;
  stalled.stall_after = 1;
  fake_.enqueue(stalled);
  auto settings = config();
  settings.idle_timeout = milliseconds(150);
  ElevenLabsTts tts(settings);
  const auto got = speak(tts, "Spoken in part.");
  EXPECT_EQ(got.chunks, 1u);
  EXPECT_TRUE(contains(got.error(), "timed out: the audio stopped for 150 ms")) << got.error();
}

TEST_F(ElevenLabsTtsTest, WorksOverTls) {
  FakeElevenLabsOptions options;
  options.tls = true;
  FakeElevenLabs secure(options);
  ElevenLabsTts tts(config_for(secure, ElevenLabsTransport::http));
  const auto got = speak(tts, "Secure.");
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.audio, secure.audio_for("Secure.", "ulaw_8000"));
}

}  // namespace
}  // namespace patter::providers
