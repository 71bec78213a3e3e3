#include "providers/tts/elevenlabs_ws_tts.hpp"

#include <boost/json.hpp>

#include "tts_test_support.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;
using fakes::FakeElevenLabs;
using fakes::FakeElevenLabsOptions;
using fakes::FakeElevenLabsReply;
using std::chrono::milliseconds;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ElevenLabsWsTtsTest : public testing::TtsClientTest {
 protected:
  ElevenLabsConfig config() const { return config_for(fake_, ElevenLabsTransport::websocket); }

  FakeElevenLabs fake_;
};

TEST_F(ElevenLabsWsTtsTest, SpeaksOneContextPerSocket) {
  ElevenLabsWsTts tts(config());
  EXPECT_EQ(tts.name(), "elevenlabs_ws");
  EXPECT_EQ(tts.output_format(), kTelephonyMulaw);
  const auto got = speak(tts, "Hello from the socket.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(got.done);
  EXPECT_EQ(got.audio, fake_.audio_for("Hello from the socket.", "ulaw_8000"));
  EXPECT_GT(got.chunks, 1u);
  EXPECT_EQ(got.order, (std::vector<std::string>{"audio", "done"}));
  EXPECT_EQ(fake_.completed_streams(), 1u);
}

TEST_F(ElevenLabsWsTtsTest, SendsBosTextWithFlushThenEos) {
  auto settings = config();
  settings.voice_id = "JBFqnCBsd6RMkjVDRZzb";
  settings.voice_settings.stability = 0.6;
  settings.voice_settings.similarity_boost = 0.75;
  ElevenLabsWsTts tts(settings);
  (void)speak(tts, "Good morning.");
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& request = requests[0];
  EXPECT_TRUE(request.websocket);
  EXPECT_EQ(request.rejection, "");
  EXPECT_EQ(request.voice_id, "JBFqnCBsd6RMkjVDRZzb");
  EXPECT_EQ(request.header("xi-api-key"), fake_.options().api_key);
  EXPECT_EQ(request.query_param("model_id"), "eleven_flash_v2_5");
  EXPECT_EQ(request.query_param("output_format"), "ulaw_8000");
  EXPECT_EQ(request.query_param("auto_mode"), "true");
  EXPECT_EQ(request.query_param("inactivity_timeout"), "20");
  ASSERT_EQ(request.messages.size(), 3u);
  const auto bos = json::parse(request.messages[0]).as_object();
  EXPECT_EQ(bos.at("text"), " ");
  EXPECT_DOUBLE_EQ(bos.at("voice_settings").at("stability").as_double(), 0.6);
  const auto text = json::parse(request.messages[1]).as_object();
  EXPECT_EQ(text.at("text"), "Good morning. ");
  EXPECT_EQ(text.at("flush"), true);
  EXPECT_EQ(json::parse(request.messages[2]), json::parse(R"({"text":""})"));
  EXPECT_EQ(request.text, "Good morning.");
}

TEST_F(ElevenLabsWsTtsTest, EachSentenceGetsItsOwnSocket) {
  ElevenLabsWsTts tts(config());
  EXPECT_TRUE(speak(tts, "One.").done);
  EXPECT_TRUE(speak(tts, "Two.").done);
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].connection_id, requests[1].connection_id);
}

TEST_F(ElevenLabsWsTtsTest, WarmupParksASocketWithoutSpeakingAndTheSentenceTakesIt) {
  ElevenLabsWsTts tts(config());
  tts.warmup(context());
  ASSERT_TRUE(run_until([&] { return fake_.requests().size() == 1; }));
  run_for(milliseconds(50));
  EXPECT_TRUE(fake_.requests()[0].messages.empty());
  EXPECT_EQ(fake_.characters_spoken(), 0u);
  const auto got = speak(tts, "Warm start.");
  EXPECT_TRUE(got.done);
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].messages.size(), 3u);
  EXPECT_EQ(fake_.connections(), 1u);
}

TEST_F(ElevenLabsWsTtsTest, AParkedSocketTheServerClosedIsReplacedWithinTheSameAttempt) {
  FakeElevenLabsOptions options;
  options.inactivity_timeout = milliseconds(50);
  FakeElevenLabs quick(options);
  ElevenLabsWsTts tts(config_for(quick, ElevenLabsTransport::websocket));
  tts.warmup(context());
  ASSERT_TRUE(run_until([&] { return quick.requests().size() == 1; }));
  run_for(milliseconds(200));  // the fake gives up on the silent socket
  const auto got = speak(tts, "Still spoken.");
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.audio, quick.audio_for("Still spoken.", "ulaw_8000"));
}

TEST_F(ElevenLabsWsTtsTest, CancelMidStreamStopsEventsAndClosesTheSocket) {
  FakeElevenLabsReply slow;
  slow.chunk_interval = milliseconds(20);
  fake_.enqueue(slow);
  ElevenLabsWsTts tts(config());
  testing::Recorder got;
  std::unique_ptr<TtsStream> stream;
  got.after_audio = [&] {
    if (got.chunks == 2) stream->cancel();
  };
  stream = tts.synthesize(context(), "A long sentence that takes a while to say.", got.events());
  ASSERT_TRUE(run_until([&] { return got.chunks >= 2; }));
  // Well before the server's inactivity timeout (20 s) could end the socket instead.
  EXPECT_TRUE(run_until([&] { return fake_.client_disconnects() == 1; }, std::chrono::seconds(10)));
  run_for(milliseconds(100));
  EXPECT_EQ(got.chunks, 2u);
  EXPECT_FALSE(got.ended());
  EXPECT_EQ(fake_.completed_streams(), 0u);
}

TEST_F(ElevenLabsWsTtsTest, RefusedUpgradeIsAnAuthenticationError) {
  auto settings = config();
  settings.api_key = "sk_wrong_key_0000000000";
  ElevenLabsWsTts tts(settings);
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "elevenlabs_ws: authentication failed (HTTP 401")) << got.error();
  EXPECT_TRUE(contains(got.error(), "check ELEVENLABS_API_KEY")) << got.error();
}

TEST_F(ElevenLabsWsTtsTest, RateLimitedUpgradeIsRetriedAfterAShortRetryAfter) {
  fake_.enqueue(FakeElevenLabsReply::rate_limited(0));
  auto settings = config();
  settings.max_attempts = 2;
  ElevenLabsWsTts tts(settings);
  const auto got = speak(tts, "Retried.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(got.done);
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(ElevenLabsWsTtsTest, ServerErrorOnTheUpgradeWhenAttemptsRunOut) {
  fake_.enqueue(FakeElevenLabsReply::server_error(500));
  ElevenLabsWsTts tts(config());
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "server error (HTTP 500")) << got.error();
}

TEST_F(ElevenLabsWsTtsTest, AnErrorMessageOnTheSocketEndsTheSentence) {
  FakeElevenLabsReply plan;
  plan.ws_error = "payment_required";
  fake_.enqueue(plan);
  auto settings = config();
  settings.max_attempts = 3;
  ElevenLabsWsTts tts(settings);
  const auto got = speak(tts, "Premium words.");
  EXPECT_TRUE(contains(got.error(), "error in the stream")) << got.error();
  EXPECT_TRUE(contains(got.error(), "(payment_required)")) << got.error();
  EXPECT_EQ(got.order, (std::vector<std::string>{"audio", "error"}));
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(ElevenLabsWsTtsTest, DisconnectMidStreamIsAnError) {
  FakeElevenLabsReply dropped;
  dropped.disconnect_after = 2;
  fake_.enqueue(dropped);
  auto settings = config();
  settings.max_attempts = 3;
  ElevenLabsWsTts tts(settings);
  const auto got = speak(tts, "This sentence is cut short by the server.");
  EXPECT_EQ(got.audio, fake_.audio_for("This sentence is cut short by the server.", "ulaw_8000")
                           .substr(0, 2 * 320));
  EXPECT_TRUE(contains(got.error(), "connection lost")) << got.error();
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_F(ElevenLabsWsTtsTest, DisconnectBeforeAudioIsRetried) {
  FakeElevenLabsReply dropped;
  dropped.disconnect_after = 0;
  fake_.enqueue(dropped);
  auto settings = config();
  settings.max_attempts = 2;
  ElevenLabsWsTts tts(settings);
  const auto got = speak(tts, "Second time lucky.");
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.audio, fake_.audio_for("Second time lucky.", "ulaw_8000"));
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_F(ElevenLabsWsTtsTest, MalformedMessageIsAClearError) {
  FakeElevenLabsReply broken;
  broken.malformed_after = 1;
  fake_.enqueue(broken);
  ElevenLabsWsTts tts(config());
  const auto got = speak(tts, "Broken in the middle.");
  EXPECT_TRUE(contains(got.error(), "elevenlabs_ws: malformed message: not JSON")) << got.error();
  EXPECT_EQ(got.chunks, 1u);
}

TEST_F(ElevenLabsWsTtsTest, FirstByteTimeoutEndsAStalledSentence) {
  FakeElevenLabsReply stalled;
  stalled.stall_after = 0;
  fake_.enqueue(stalled);
  auto settings = config();
  settings.first_byte_timeout = milliseconds(150);
  ElevenLabsWsTts tts(settings);
  const auto got = speak(tts, "Never spoken.");
  EXPECT_TRUE(contains(got.error(), "timed out: no audio within 150 ms")) << got.error();
  EXPECT_EQ(got.chunks, 0u);
}

TEST_F(ElevenLabsWsTtsTest, WorksOverTls) {
  FakeElevenLabsOptions options;
  options.tls = true;
  FakeElevenLabs secure(options);
  ElevenLabsWsTts tts(config_for(secure, ElevenLabsTransport::websocket));
  const auto got = speak(tts, "Secure.");
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.audio, secure.audio_for("Secure.", "ulaw_8000"));
}

}  // namespace
}  // namespace patter::providers
