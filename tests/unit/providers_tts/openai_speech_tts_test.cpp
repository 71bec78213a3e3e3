// OpenAI text-to-speech (POST /v1/audio/speech) against the fake: the request, the PCM16 24 kHz
// stream passed on as it arrives, connection reuse, warmup, cancel, retries and each failure;
// and the config, request and failure pieces as pure functions.

#include <patter/tts.hpp>

#include <boost/json.hpp>
#include <stdexcept>

#include "core/error.hpp"
#include "core/manual_executor.hpp"
#include "fakes/fake_openai_audio.hpp"
#include "providers/tts/openai_speech_failure.hpp"
#include "providers/tts/openai_speech_tts.hpp"
#include "tts_test_support.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;
using fakes::FakeOpenAiAudio;
using fakes::FakeOpenAiAudioOptions;
using fakes::FakeOpenAiAudioReply;
using std::chrono::milliseconds;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

OpenAiSpeechConfig speech_config_for(const FakeOpenAiAudio& fake) {
  OpenAiSpeechConfig config;
  config.base_url = fake.base_url();
  config.api_key = fake.options().api_key;
  config.max_attempts = 1;
  config.extra_ca_pem = fake.certificate_pem();
  return config;
}

class OpenAiSpeechTest : public testing::TtsClientTest {
 protected:
  OpenAiSpeechConfig config() const { return speech_config_for(fake_); }

  FakeOpenAiAudio fake_;
};

TEST_F(OpenAiSpeechTest, StreamsPcm16At24kHzAsItArrives) {
  OpenAiSpeechTts tts(config());
  EXPECT_EQ(tts.name(), "openai_tts");
  EXPECT_EQ(tts.model(), "tts-1");
  EXPECT_EQ(tts.output_format(), (AudioFormat{Encoding::pcm16_le, 24000}));
  const std::string text = "Hello there, how can I help?";
  const auto got = speak(tts, text);
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(got.done);
  EXPECT_TRUE(got.audio == fake_.speech_audio_for(text));
  EXPECT_EQ(got.audio.size(), text.size() * 10 * 48U);  // 10 ms a character, 48 bytes a ms
  EXPECT_GT(got.chunks, 1U);
  EXPECT_EQ(got.order, (std::vector<std::string>{"audio", "done"}));
  EXPECT_EQ(fake_.characters_spoken(), text.size());
  EXPECT_EQ(tts.characters_sent(), text.size());
}

TEST_F(OpenAiSpeechTest, SendsAFaithfulRequest) {
  auto settings = config();
  settings.model = "gpt-4o-mini-tts";
  settings.voice = "coral";
  settings.speed = 1.25;
  settings.instructions = "Speak warmly, like a host greeting a guest.";
  OpenAiSpeechTts tts(settings);
  (void)speak(tts, "Buonasera.");
  const auto requests = fake_.speech_requests();
  ASSERT_EQ(requests.size(), 1U);
  const auto& request = requests[0];
  EXPECT_EQ(request.rejection, "");
  EXPECT_EQ(request.authorization, "Bearer " + fake_.options().api_key);
  const auto body = json::parse(request.body).as_object();
  EXPECT_EQ(body.at("model"), "gpt-4o-mini-tts");
  EXPECT_EQ(body.at("input"), "Buonasera.");
  EXPECT_EQ(body.at("voice"), "coral");
  EXPECT_EQ(body.at("response_format"), "pcm");
  EXPECT_DOUBLE_EQ(body.at("speed").as_double(), 1.25);
  EXPECT_EQ(body.at("instructions"), "Speak warmly, like a host greeting a guest.");
}

TEST_F(OpenAiSpeechTest, DefaultsLeaveOutWhatIsNotSet) {
  OpenAiSpeechTts tts(config());
  (void)speak(tts, "Hi.");
  const auto body = json::parse(fake_.speech_requests().at(0).body).as_object();
  EXPECT_EQ(body.at("voice"), "alloy");
  EXPECT_FALSE(body.contains("speed"));
  EXPECT_FALSE(body.contains("instructions"));
}

TEST_F(OpenAiSpeechTest, TheHdModelIsPricedByItsOwnName) {
  auto settings = config();
  settings.model = "tts-1-hd";
  OpenAiSpeechTts tts(settings);
  EXPECT_EQ(tts.name(), "openai_tts_hd");
  EXPECT_TRUE(speak(tts, "High definition.").done);
}

TEST_F(OpenAiSpeechTest, ReusesTheConnectionAcrossSentences) {
  OpenAiSpeechTts tts(config());
  EXPECT_TRUE(speak(tts, "First sentence.").done);
  EXPECT_TRUE(speak(tts, "Second sentence.").done);
  const auto requests = fake_.speech_requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[0].connection_id, requests[1].connection_id);
  EXPECT_EQ(fake_.connections(), 1U);
}

TEST_F(OpenAiSpeechTest, WarmupConnectsWithoutARequestAndTheSentenceUsesThatConnection) {
  OpenAiSpeechTts tts(config());
  tts.warmup(context());
  ASSERT_TRUE(run_until([&] { return fake_.connections() == 1; }));
  run_for(milliseconds(50));
  EXPECT_TRUE(fake_.speech_requests().empty());
  EXPECT_EQ(fake_.characters_spoken(), 0U);
  EXPECT_TRUE(speak(tts, "Hello.").done);
  EXPECT_EQ(fake_.connections(), 1U);
}

TEST_F(OpenAiSpeechTest, CancelMidStreamStopsEventsAndClosesTheConnection) {
  FakeOpenAiAudioReply slow;
  slow.chunk_interval = milliseconds(20);
  fake_.enqueue_speech(slow);
  OpenAiSpeechTts tts(config());
  testing::Recorder got;
  std::unique_ptr<TtsStream> stream;
  got.after_audio = [&] {
    if (got.chunks == 2) stream->cancel();
  };
  stream = tts.synthesize(context(), "A long sentence that takes a while to say.", got.events());
  ASSERT_TRUE(run_until([&] { return fake_.client_disconnects() == 1; }));
  run_for(milliseconds(100));
  EXPECT_EQ(got.chunks, 2U);
  EXPECT_FALSE(got.ended());
  EXPECT_EQ(fake_.completed_speeches(), 0U);
  // The cancelled connection was closed, not pooled: the next sentence opens another.
  EXPECT_TRUE(speak(tts, "Next.").done);
  EXPECT_EQ(fake_.connections(), 2U);
}

TEST_F(OpenAiSpeechTest, CancelBeforeTheFirstByteDeliversNothing) {
  FakeOpenAiAudioReply late;
  late.time_to_first_byte = milliseconds(300);
  fake_.enqueue_speech(late);
  OpenAiSpeechTts tts(config());
  testing::Recorder got;
  auto stream = tts.synthesize(context(), "Too late.", got.events());
  ASSERT_TRUE(run_until([&] { return fake_.speech_requests().size() == 1; }));
  stream->cancel();
  run_for(milliseconds(400));
  EXPECT_EQ(got.chunks, 0U);
  EXPECT_FALSE(got.ended());
}

TEST_F(OpenAiSpeechTest, EventsAreRelayedToAnExecutorThatIsNotALoop) {
  OpenAiSpeechTts tts(config());
  auto executor = std::make_shared<core::ManualExecutor>();
  StreamContext relayed = context();
  relayed.executor = executor;
  testing::Recorder got;
  auto stream = tts.synthesize(relayed, "Relayed.", got.events());
  ASSERT_TRUE(run_until([&] {
    executor->run_pending();
    return got.ended();
  }));
  EXPECT_TRUE(got.audio == fake_.speech_audio_for("Relayed."));
}

TEST_F(OpenAiSpeechTest, UnauthorizedNamesTheVariableAndIsNotRetried) {
  auto settings = config();
  settings.api_key = "sk-wrong-speech-key";
  settings.max_attempts = 3;
  OpenAiSpeechTts tts(settings);
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "openai_tts: authentication failed (HTTP 401")) << got.error();
  EXPECT_TRUE(contains(got.error(), "(invalid_api_key)")) << got.error();
  EXPECT_TRUE(contains(got.error(), "check OPENAI_API_KEY")) << got.error();
  EXPECT_FALSE(contains(got.error(), "sk-wrong-speech-key")) << got.error();
  EXPECT_EQ(fake_.speech_requests().size(), 1U);
}

TEST_F(OpenAiSpeechTest, AnUnknownVoiceIsRejected) {
  auto settings = config();
  settings.voice = "hal9000";
  OpenAiSpeechTts tts(settings);
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "request rejected (HTTP 400")) << got.error();
  EXPECT_TRUE(contains(got.error(), "voice")) << got.error();
}

TEST_F(OpenAiSpeechTest, RateLimitIsRetriedAfterAShortRetryAfter) {
  fake_.enqueue_speech(FakeOpenAiAudioReply::rate_limited(0));
  auto settings = config();
  settings.max_attempts = 2;
  OpenAiSpeechTts tts(settings);
  const auto got = speak(tts, "Hello again.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(got.audio == fake_.speech_audio_for("Hello again."));
  EXPECT_EQ(fake_.speech_requests().size(), 2U);
}

TEST_F(OpenAiSpeechTest, RateLimitWithALongRetryAfterFailsAtOnce) {
  fake_.enqueue_speech(FakeOpenAiAudioReply::rate_limited(30));
  auto settings = config();
  settings.max_attempts = 3;
  OpenAiSpeechTts tts(settings);
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "rate limited (HTTP 429")) << got.error();
  EXPECT_TRUE(contains(got.error(), "retry after 30 seconds")) << got.error();
  EXPECT_EQ(fake_.speech_requests().size(), 1U);
}

TEST_F(OpenAiSpeechTest, AnExhaustedQuotaIsNotRetried) {
  fake_.enqueue_speech(FakeOpenAiAudioReply::error(429, "insufficient_quota", "insufficient_quota",
                                                   "You exceeded your current quota."));
  auto settings = config();
  settings.max_attempts = 3;
  OpenAiSpeechTts tts(settings);
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "quota exceeded")) << got.error();
  EXPECT_EQ(fake_.speech_requests().size(), 1U);
}

TEST_F(OpenAiSpeechTest, ServerErrorIsRetriedBeforeAnyAudio) {
  fake_.enqueue_speech(FakeOpenAiAudioReply::server_error(503));
  auto settings = config();
  settings.max_attempts = 2;
  OpenAiSpeechTts tts(settings);
  const auto got = speak(tts, "Retried.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(got.done);
  EXPECT_EQ(fake_.speech_requests().size(), 2U);
}

TEST_F(OpenAiSpeechTest, ServerErrorWhenAttemptsRunOut) {
  fake_.enqueue_speech(FakeOpenAiAudioReply::server_error(500));
  OpenAiSpeechTts tts(config());
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "server error (HTTP 500")) << got.error();
  EXPECT_TRUE(contains(got.error(), "(retryable)")) << got.error();
}

TEST_F(OpenAiSpeechTest, DisconnectAfterAudioIsAnErrorAndNotRetried) {
  FakeOpenAiAudioReply dropped;
  dropped.disconnect_after = 2;
  dropped.chunk_bytes = 960;
  fake_.enqueue_speech(dropped);
  auto settings = config();
  settings.max_attempts = 3;
  OpenAiSpeechTts tts(settings);
  const std::string text = "This sentence is cut short by the server.";
  const auto got = speak(tts, text);
  EXPECT_TRUE(got.audio == fake_.speech_audio_for(text).substr(0, 2 * 960));
  EXPECT_TRUE(contains(got.error(), "connection lost")) << got.error();
  EXPECT_EQ(got.order, (std::vector<std::string>{"audio", "error"}));
  EXPECT_EQ(fake_.speech_requests().size(), 1U);
}

TEST_F(OpenAiSpeechTest, DisconnectBeforeAudioIsRetried) {
  FakeOpenAiAudioReply dropped;
  dropped.disconnect_after = 0;
  fake_.enqueue_speech(dropped);
  auto settings = config();
  settings.max_attempts = 2;
  OpenAiSpeechTts tts(settings);
  const auto got = speak(tts, "Second time lucky.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(got.audio == fake_.speech_audio_for("Second time lucky."));
}

TEST_F(OpenAiSpeechTest, AMalformedChunkIsAClearError) {
  FakeOpenAiAudioReply broken;
  broken.malformed_after = 1;
  fake_.enqueue_speech(broken);
  OpenAiSpeechTts tts(config());
  const auto got = speak(tts, "Broken in the middle.");
  EXPECT_TRUE(got.errors.size() == 1 && !got.done);
  EXPECT_TRUE(contains(got.error(), "openai_tts: ")) << got.error();
}

TEST_F(OpenAiSpeechTest, FirstByteTimeoutEndsAStalledSentence) {
  FakeOpenAiAudioReply stalled;
  stalled.stall_after = 0;
  fake_.enqueue_speech(stalled);
  auto settings = config();
  settings.first_byte_timeout = milliseconds(150);
  OpenAiSpeechTts tts(settings);
  const auto got = speak(tts, "Never spoken.");
  EXPECT_TRUE(contains(got.error(), "timed out: no audio within 150 ms")) << got.error();
  EXPECT_EQ(got.chunks, 0U);
  EXPECT_TRUE(run_until([&] { return fake_.client_disconnects() == 1; }));
}

TEST_F(OpenAiSpeechTest, SilenceAfterAudioEndsTheSentence) {
  FakeOpenAiAudioReply stalled;
  stalled.stall_after = 1;
  fake_.enqueue_speech(stalled);
  auto settings = config();
  settings.idle_timeout = milliseconds(150);
  OpenAiSpeechTts tts(settings);
  const auto got = speak(tts, "Spoken in part.");
  EXPECT_EQ(got.audio.size(), stalled.chunk_bytes);  // the one chunk sent before the stall
  EXPECT_TRUE(contains(got.error(), "timed out: the audio stopped for 150 ms")) << got.error();
}

TEST_F(OpenAiSpeechTest, ASentenceTooLongIsRefusedWithoutARequest) {
  OpenAiSpeechTts tts(config());
  const auto got = speak(tts, std::string(4097, 'a'));
  EXPECT_TRUE(contains(got.error(), "4097 characters")) << got.error();
  EXPECT_EQ(got.chunks, 0U);
  EXPECT_TRUE(fake_.speech_requests().empty());
}

TEST_F(OpenAiSpeechTest, WorksOverTls) {
  FakeOpenAiAudioOptions options;
  options.tls = true;
  FakeOpenAiAudio secure(options);
  OpenAiSpeechTts tts(speech_config_for(secure));
  const auto got = speak(tts, "Secure.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(got.audio == secure.speech_audio_for("Secure."));
}

// ---- pure pieces ----

std::string config_error(const OpenAiSpeechConfig& config) {
  try {
    validate(config);
  } catch (const core::Error& error) {
    return error.what();
  }
  return {};
}

TEST(OpenAiSpeechConfig, EachProblemIsNamed) {
  OpenAiSpeechConfig config;
  EXPECT_TRUE(contains(config_error(config), "OPENAI_API_KEY"));
  config.api_key = "sk-x";
  EXPECT_EQ(config_error(config), "");
  auto bad = config;
  bad.base_url = "wss://api.openai.com/v1";
  EXPECT_TRUE(contains(config_error(bad), "base_url"));
  bad = config;
  bad.speed = 5.0;
  EXPECT_TRUE(contains(config_error(bad), "speed"));
  bad = config;
  bad.instructions = "Whisper.";
  EXPECT_TRUE(contains(config_error(bad), "gpt-4o-mini-tts")) << config_error(bad);
  bad = config;
  bad.voice.clear();
  EXPECT_TRUE(contains(config_error(bad), "voice"));
  bad = config;
  bad.max_attempts = 0;
  EXPECT_TRUE(contains(config_error(bad), "max_attempts"));
  EXPECT_EQ(speech_url(config), "https://api.openai.com/v1/audio/speech");
}

TEST(OpenAiSpeechFailure, StatusesAreClassified) {
  const auto now = std::chrono::system_clock::now();
  const auto limited = speech_failure_from_status(429, {{"Retry-After", "2"}}, "", now);
  EXPECT_TRUE(limited.retryable);
  EXPECT_EQ(limited.retry_after, milliseconds(2000));
  EXPECT_FALSE(speech_failure_from_status(403, {}, "", now).retryable);
  EXPECT_TRUE(speech_failure_from_status(502, {}, "<html>bad gateway</html>", now).retryable);
  const auto rejected = speech_failure_from_status(
      400, {}, R"({"error":{"message":"Invalid value for 'voice'","code":"invalid_value"}})", now);
  EXPECT_FALSE(rejected.retryable);
  EXPECT_TRUE(contains(rejected.message, "Invalid value for 'voice' (invalid_value)"))
      << rejected.message;
}

TEST(OpenAiTtsFactory, DefaultsAndProblems) {
  tts::OpenAiTtsOptions options;
  options.api_key = "sk-factory";
  const auto provider = tts::openai(options);
  EXPECT_EQ(provider->name(), "openai_tts");
  EXPECT_EQ(provider->model(), "tts-1");
  EXPECT_EQ(provider->output_format(), kOpenAiSpeechFormat);
  const auto& config = dynamic_cast<const OpenAiSpeechTts&>(*provider).config();
  EXPECT_EQ(config.voice, "alloy");
  EXPECT_EQ(config.base_url, "https://api.openai.com/v1");
  options.speed = 0.1;
  try {
    (void)tts::openai(options);
    FAIL() << "no error for speed 0.1";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "speed")) << error.what();
  }
}

}  // namespace
}  // namespace patter::providers
