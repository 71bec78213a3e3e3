// The Cartesia text-to-speech client against the fake Cartesia: one socket per call, a context
// per turn continued sentence by sentence, cancel, warmup and every way it fails.

#include "providers/tts/cartesia_tts.hpp"

#include <boost/json.hpp>

#include "fakes/fake_cartesia.hpp"
#include "tts_test_support.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;
using fakes::FakeCartesia;
using fakes::FakeCartesiaOptions;
using fakes::FakeCartesiaReply;
using std::chrono::milliseconds;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Compares audio without printing it: the sizes and the first byte that differs.
::testing::AssertionResult same_bytes(const std::string& actual, const std::string& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  std::size_t at = 0;
  while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
  return ::testing::AssertionFailure() << "got " << actual.size() << " bytes, expected "
                                       << expected.size() << "; they differ from byte " << at;
}

class CartesiaTtsTest : public testing::TtsClientTest {
 protected:
  static CartesiaTtsConfig config_for(const FakeCartesia& fake) {
    CartesiaTtsConfig config;
    config.api_key = fake.options().api_key;
    config.base_url = fake.tts_url();
    config.extra_ca_pem = fake.certificate_pem();
    config.max_attempts = 1;
    return config;
  }
  CartesiaTtsConfig config() const { return config_for(fake_); }

  std::string mulaw(const std::string& text) const { return fake_.audio_for(text); }

  FakeCartesia fake_;
};

TEST_F(CartesiaTtsTest, SpeaksMulawThatPassesStraightThrough) {
  CartesiaTts tts(config());
  EXPECT_EQ(tts.name(), "cartesia_tts");
  EXPECT_EQ(tts.model(), "sonic-3");
  EXPECT_EQ(tts.output_format(), kTelephonyMulaw);
  const auto got = speak(tts, "Hello from Cartesia.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(got.done);
  EXPECT_TRUE(same_bytes(got.audio, mulaw("Hello from Cartesia.")));
  EXPECT_GT(got.chunks, 1U);
  EXPECT_EQ(got.order, (std::vector<std::string>{"audio", "done"}));
  EXPECT_EQ(fake_.characters_spoken(), std::string("Hello from Cartesia.").size());
  EXPECT_EQ(tts.characters_sent(), std::string("Hello from Cartesia.").size());
}

TEST_F(CartesiaTtsTest, SendsTheSentenceAsAContinuationThenAFlush) {
  auto settings = config();
  settings.voice_id = "a0e99841-438c-4a64-b679-ae501e7d6091";
  settings.speed = 1.2;
  settings.emotion = "calm";
  CartesiaTts tts(settings);
  (void)speak(tts, "Good morning.");
  const auto sockets = fake_.tts_sockets();
  ASSERT_EQ(sockets.size(), 1U);
  EXPECT_EQ(sockets[0].api_key, fake_.options().api_key);
  EXPECT_EQ(sockets[0].version, "2025-04-16");
  EXPECT_TRUE(sockets[0].query.empty());  // nothing secret in the URL
  const auto contexts = fake_.contexts();
  ASSERT_EQ(contexts.size(), 1U);
  ASSERT_EQ(contexts[0].inputs.size(), 2U);
  const auto sentence = json::parse(contexts[0].inputs[0]).as_object();
  EXPECT_EQ(sentence.at("model_id"), "sonic-3");
  EXPECT_EQ(sentence.at("transcript"), "Good morning. ");
  EXPECT_EQ(sentence.at("continue"), true);
  EXPECT_EQ(sentence.at("language"), "en");
  EXPECT_EQ(std::string(sentence.at("context_id").as_string()), contexts[0].context_id);
  EXPECT_EQ(sentence.at("voice"),
            json::parse(R"({"mode":"id","id":"a0e99841-438c-4a64-b679-ae501e7d6091"})"));
  EXPECT_EQ(sentence.at("output_format"),
            json::parse(R"({"container":"raw","encoding":"pcm_mulaw","sample_rate":8000})"));
  EXPECT_DOUBLE_EQ(sentence.at("generation_config").at("speed").as_double(), 1.2);
  EXPECT_EQ(sentence.at("generation_config").at("emotion"), "calm");
  const auto flush = json::parse(contexts[0].inputs[1]).as_object();
  EXPECT_EQ(flush.at("transcript"), "");
  EXPECT_EQ(flush.at("flush"), true);
  EXPECT_EQ(flush.at("continue"), true);
  EXPECT_EQ(contexts[0].text, "Good morning.");
}

TEST_F(CartesiaTtsTest, TheSentencesOfATurnContinueOneContextOnOneSocket) {
  CartesiaTts tts(config());
  const auto first = speak(tts, "One table for two.");
  const auto second = speak(tts, "At eight tonight.");
  EXPECT_TRUE(same_bytes(first.audio, mulaw("One table for two.")));
  EXPECT_TRUE(same_bytes(second.audio, mulaw("At eight tonight.")));
  EXPECT_TRUE(first.done && second.done);
  const auto contexts = fake_.contexts();
  ASSERT_EQ(contexts.size(), 1U);
  EXPECT_EQ(contexts[0].flushes, 2U);
  EXPECT_EQ(contexts[0].text, "One table for two. At eight tonight.");
  EXPECT_FALSE(contexts[0].input_ended);
  EXPECT_EQ(fake_.tts_sockets().size(), 1U);
}

TEST_F(CartesiaTtsTest, AfterTheTurnGapTheContextEndsAndTheNextTurnStartsAnotherOnTheSameSocket) {
  auto settings = config();
  settings.turn_gap = milliseconds(50);
  CartesiaTts tts(settings);
  EXPECT_TRUE(speak(tts, "First turn.").done);
  ASSERT_TRUE(run_until([&] {
    const auto contexts = fake_.contexts();
    return !contexts.empty() && contexts[0].done_sent;
  }));
  EXPECT_TRUE(fake_.contexts().at(0).input_ended);
  const auto next = speak(tts, "Second turn.");
  EXPECT_TRUE(same_bytes(next.audio, mulaw("Second turn.")));
  const auto contexts = fake_.contexts();
  ASSERT_EQ(contexts.size(), 2U);
  EXPECT_NE(contexts[0].context_id, contexts[1].context_id);
  EXPECT_EQ(contexts[0].connection_id, contexts[1].connection_id);
  EXPECT_EQ(fake_.tts_sockets().size(), 1U);
}

TEST_F(CartesiaTtsTest, WithoutContinuationsEachSentenceIsAContextEndedByDone) {
  auto settings = config();
  settings.continue_turns = false;
  CartesiaTts tts(settings);
  EXPECT_EQ(speak(tts, "One.").audio, mulaw("One."));
  EXPECT_EQ(speak(tts, "Two.").audio, mulaw("Two."));
  const auto contexts = fake_.contexts();
  ASSERT_EQ(contexts.size(), 2U);
  for (const auto& context : contexts) {
    ASSERT_EQ(context.inputs.size(), 1U);
    EXPECT_EQ(json::parse(context.inputs[0]).at("continue"), false);
    EXPECT_TRUE(context.done_sent);
  }
  EXPECT_EQ(fake_.tts_sockets().size(), 1U);
}

TEST_F(CartesiaTtsTest, CancelMidStreamStopsEventsAndTheSocketServesTheNextSentence) {
  FakeCartesiaReply slow;
  slow.chunk_interval = milliseconds(20);
  fake_.enqueue(slow);
  CartesiaTts tts(config());
  testing::Recorder got;
  std::unique_ptr<TtsStream> stream;
  got.after_audio = [&] {
    if (got.chunks == 2) stream->cancel();
  };
  stream = tts.synthesize(context(), "A long sentence that takes a while to say.", got.events());
  ASSERT_TRUE(run_until([&] { return got.chunks >= 2; }));
  ASSERT_TRUE(run_until([&] {
    const auto contexts = fake_.contexts();
    return !contexts.empty() && contexts[0].cancelled;
  }));
  run_for(milliseconds(300));
  EXPECT_EQ(got.chunks, 2U);
  EXPECT_FALSE(got.ended());
  const auto cancel = json::parse(fake_.contexts().at(0).inputs.back()).as_object();
  EXPECT_EQ(cancel.at("cancel"), true);
  EXPECT_LT(fake_.contexts().at(0).chunks_sent, 10U);

  const auto next = speak(tts, "Sorry, go on.");
  EXPECT_TRUE(same_bytes(next.audio, mulaw("Sorry, go on.")));
  ASSERT_EQ(fake_.contexts().size(), 2U);  // a cancelled context is never continued
  EXPECT_EQ(fake_.tts_sockets().size(), 1U);
}

TEST_F(CartesiaTtsTest, WarmupOpensTheSocketWithoutSendingAnything) {
  CartesiaTts tts(config());
  tts.warmup(context());
  ASSERT_TRUE(run_until([&] { return fake_.tts_sockets().size() == 1; }));
  run_for(milliseconds(50));
  EXPECT_TRUE(fake_.tts_sockets()[0].messages.empty());
  EXPECT_EQ(fake_.characters_spoken(), 0U);
  const auto got = speak(tts, "Warm start.");
  EXPECT_TRUE(same_bytes(got.audio, mulaw("Warm start.")));
  EXPECT_EQ(fake_.tts_sockets().size(), 1U);
}

TEST_F(CartesiaTtsTest, Pcm16OutputIsAskedForWhenConfigured) {
  auto settings = config();
  settings.output_format = kPcm16k;
  CartesiaTts tts(settings);
  EXPECT_EQ(tts.output_format(), kPcm16k);
  const auto got = speak(tts, "Sixteen kilohertz.");
  EXPECT_TRUE(same_bytes(got.audio, fake_.audio_for("Sixteen kilohertz.", "pcm_s16le", 16000)));
}

TEST_F(CartesiaTtsTest, WorksOverTls) {
  FakeCartesiaOptions options;
  options.tls = true;
  FakeCartesia secure(options);
  CartesiaTts tts(config_for(secure));
  const auto got = speak(tts, "Secure.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(same_bytes(got.audio, secure.audio_for("Secure.")));
}

// ---- failures ----

TEST_F(CartesiaTtsTest, ARefusedKeyIsAnAuthenticationErrorNamingTheVariable) {
  auto settings = config();
  settings.api_key = "sk_car_wrong_key_0000";
  CartesiaTts tts(settings);
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(
      contains(got.error(), "cartesia_tts: authentication failed (HTTP 401: Invalid API key"))
      << got.error();
  EXPECT_TRUE(contains(got.error(), "check CARTESIA_API_KEY")) << got.error();
  EXPECT_FALSE(contains(got.error(), "sk_car_wrong_key_0000")) << got.error();
}

TEST_F(CartesiaTtsTest, ForbiddenIsAnAuthenticationErrorToo) {
  FakeCartesiaOptions options;
  options.tts.reject_status = 403;
  FakeCartesia refusing(options);
  CartesiaTts tts(config_for(refusing));
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "authentication failed (HTTP 403")) << got.error();
}

TEST_F(CartesiaTtsTest, RateLimitingWithAShortRetryAfterIsRetried) {
  FakeCartesiaOptions options;
  options.tts.reject_status = 429;
  options.tts.reject_connections = 1;
  options.tts.retry_after_seconds = 0;
  FakeCartesia limited(options);
  auto settings = config_for(limited);
  settings.max_attempts = 2;
  CartesiaTts tts(settings);
  const auto got = speak(tts, "Retried.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(same_bytes(got.audio, limited.audio_for("Retried.")));
  EXPECT_EQ(limited.tts_sockets().size(), 2U);
}

TEST_F(CartesiaTtsTest, RateLimitingWithALongRetryAfterEndsTheSentence) {
  FakeCartesiaOptions options;
  options.tts.reject_status = 429;
  options.tts.retry_after_seconds = 30;
  FakeCartesia limited(options);
  auto settings = config_for(limited);
  settings.max_attempts = 3;
  CartesiaTts tts(settings);
  const auto got = speak(tts, "Not now.");
  EXPECT_TRUE(contains(got.error(), "rate limited (HTTP 429")) << got.error();
  EXPECT_EQ(limited.tts_sockets().size(), 1U);
}

TEST_F(CartesiaTtsTest, AServerErrorOnTheUpgradeIsRetried) {
  FakeCartesiaOptions options;
  options.tts.reject_status = 503;
  options.tts.reject_connections = 1;
  FakeCartesia flaky(options);
  auto settings = config_for(flaky);
  settings.max_attempts = 2;
  CartesiaTts tts(settings);
  const auto got = speak(tts, "Second try.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(same_bytes(got.audio, flaky.audio_for("Second try.")));
}

TEST_F(CartesiaTtsTest, AServerErrorWhenAttemptsRunOut) {
  FakeCartesiaOptions options;
  options.tts.reject_status = 500;
  FakeCartesia broken(options);
  CartesiaTts tts(config_for(broken));
  const auto got = speak(tts, "Hello.");
  EXPECT_TRUE(contains(got.error(), "server error (HTTP 500")) << got.error();
  EXPECT_TRUE(contains(got.error(), "(retryable)")) << got.error();
}

TEST_F(CartesiaTtsTest, AContextErrorBeforeAudioIsRetriedOnANewContext) {
  fake_.enqueue(FakeCartesiaReply::error(500, "Internal error"));
  auto settings = config();
  settings.max_attempts = 2;
  CartesiaTts tts(settings);
  const auto got = speak(tts, "Try again.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(same_bytes(got.audio, mulaw("Try again.")));
  const auto contexts = fake_.contexts();
  ASSERT_EQ(contexts.size(), 2U);
  EXPECT_EQ(contexts[0].error, "Internal error");
  EXPECT_EQ(fake_.tts_sockets().size(), 1U);
}

TEST_F(CartesiaTtsTest, ABadVoiceIsAFinalErrorOnItsContext) {
  auto settings = config();
  settings.voice_id = "00000000-0000-0000-0000-000000000000";
  settings.max_attempts = 3;
  CartesiaTts tts(settings);
  const auto got = speak(tts, "Who am I?");
  EXPECT_TRUE(contains(got.error(), "error on the context: Voice not found")) << got.error();
  EXPECT_TRUE(contains(got.error(), "(status 400)")) << got.error();
  EXPECT_EQ(fake_.contexts().size(), 1U);
}

TEST_F(CartesiaTtsTest, AnErrorAfterAudioEndsTheSentenceWithoutARetry) {
  fake_.enqueue(FakeCartesiaReply::error(500, "Generation failed", 2));
  auto settings = config();
  settings.max_attempts = 3;
  CartesiaTts tts(settings);
  const auto got = speak(tts, "This one breaks halfway through.");
  EXPECT_TRUE(same_bytes(got.audio, mulaw("This one breaks halfway through.").substr(0, 640)));
  EXPECT_TRUE(contains(got.error(), "Generation failed")) << got.error();
  EXPECT_EQ(got.order, (std::vector<std::string>{"audio", "error"}));
  EXPECT_EQ(fake_.contexts().size(), 1U);
}

TEST_F(CartesiaTtsTest, ADisconnectMidSentenceIsAnErrorAndTheNextSentenceReconnects) {
  FakeCartesiaReply dropped;
  dropped.disconnect_after = 2;
  fake_.enqueue(dropped);
  auto settings = config();
  settings.max_attempts = 3;
  CartesiaTts tts(settings);
  const auto got = speak(tts, "This sentence is cut short by the server.");
  const auto whole = mulaw("This sentence is cut short by the server.");
  EXPECT_TRUE(same_bytes(got.audio, whole.substr(0, 2 * 320)));
  EXPECT_TRUE(contains(got.error(), "connection lost")) << got.error();
  const auto next = speak(tts, "Back again.");
  EXPECT_TRUE(same_bytes(next.audio, mulaw("Back again.")));
  EXPECT_EQ(fake_.tts_sockets().size(), 2U);
}

TEST_F(CartesiaTtsTest, ADisconnectBeforeAudioIsRetried) {
  FakeCartesiaReply dropped;
  dropped.disconnect_after = 0;
  fake_.enqueue(dropped);
  auto settings = config();
  settings.max_attempts = 2;
  CartesiaTts tts(settings);
  const auto got = speak(tts, "Second time lucky.");
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(same_bytes(got.audio, mulaw("Second time lucky.")));
  EXPECT_EQ(fake_.tts_sockets().size(), 2U);
}

TEST_F(CartesiaTtsTest, AMalformedMessageIsAClearError) {
  FakeCartesiaReply broken;
  broken.malformed_after = 1;
  fake_.enqueue(broken);
  CartesiaTts tts(config());
  const auto got = speak(tts, "Broken in the middle.");
  EXPECT_TRUE(contains(got.error(), "cartesia_tts: malformed message: not JSON")) << got.error();
  EXPECT_EQ(got.chunks, 1U);
}

TEST_F(CartesiaTtsTest, NoAudioInTimeEndsTheSentence) {
  FakeCartesiaReply stalled;
  stalled.stall_after = 0;
  fake_.enqueue(stalled);
  auto settings = config();
  settings.first_byte_timeout = milliseconds(150);
  CartesiaTts tts(settings);
  const auto got = speak(tts, "Never spoken.");
  EXPECT_TRUE(contains(got.error(), "timed out: no audio within 150 ms")) << got.error();
  EXPECT_EQ(got.chunks, 0U);
  EXPECT_TRUE(run_until([&] {
    const auto contexts = fake_.contexts();
    return !contexts.empty() && contexts[0].cancelled;
  }));
}

TEST_F(CartesiaTtsTest, NoServerIsACannotConnectError) {
  auto settings = config();
  settings.base_url = "ws://127.0.0.1:1/tts/websocket";
  CartesiaTts tts(settings);
  const auto got = speak(tts, "Anyone there?");
  EXPECT_TRUE(contains(got.error(), "cartesia_tts: cannot connect")) << got.error();
}

}  // namespace
}  // namespace patter::providers
