// A fallback chain of the real ElevenLabs clients (HTTP first, then the stream-input WebSocket)
// against two fake ElevenLabs servers on 127.0.0.1: a sentence that fails before any audio is
// spoken by the next provider, in the first provider's format; a failure after audio is passed
// on; every failure is named when all fail; cancel() stops everything.

#include "providers/fallback/fallback_tts.hpp"

#include <chrono>

#include "audio/format_converter.hpp"
#include "fakes/fake_elevenlabs.hpp"
#include "fallback_test_support.hpp"
#include "providers/tts/elevenlabs_tts.hpp"
#include "providers/tts/elevenlabs_ws_tts.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeElevenLabs;
using fakes::FakeElevenLabsReply;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::string_view kSentence = "Your table for two is booked.";

class FallbackTtsTest : public FallbackTest {
 protected:
  // One attempt per client, so every request the fakes count is one the chain made.
  [[nodiscard]] static ElevenLabsConfig config_for(const FakeElevenLabs& fake,
                                                   ElevenLabsTransport transport) {
    ElevenLabsConfig config;
    config.transport = transport;
    config.base_url = fake.base_url();
    config.api_key = fake.options().api_key;
    config.max_attempts = 1;
    config.first_byte_timeout = seconds(5);
    config.request_timeout = seconds(10);
    config.extra_ca_pem = fake.certificate_pem();
    return config;
  }

  [[nodiscard]] std::shared_ptr<FallbackTts> chain(ElevenLabsConfig second) const {
    return std::make_shared<FallbackTts>(
        std::vector<std::shared_ptr<TtsProvider>>{
            std::make_shared<ElevenLabsTts>(config_for(http_, ElevenLabsTransport::http)),
            std::make_shared<ElevenLabsWsTts>(std::move(second))},
        settings());
  }
  [[nodiscard]] std::shared_ptr<FallbackTts> chain() const {
    return chain(config_for(socket_, ElevenLabsTransport::websocket));
  }

  TtsRecorder speak(TtsProvider& tts, TtsRecorder recorder = {}) {
    auto stream = tts.synthesize(context(), std::string(kSentence), recorder.events());
    EXPECT_TRUE(run_until([&] { return recorder.ended(); }));
    run_for(milliseconds(20));
    return recorder;
  }

  FakeElevenLabs http_;
  FakeElevenLabs socket_;
};

TEST_F(FallbackTtsTest, ServerErrorsBeforeAudioAreSpokenByTheNextProvider) {
  http_.enqueue(FakeElevenLabsReply::server_error(503));
  http_.enqueue(FakeElevenLabsReply::server_error(500));
  auto tts = chain();
  EXPECT_EQ(tts->name(), "elevenlabs");
  const auto got = speak(*tts);
  EXPECT_EQ(got.error(), "");
  EXPECT_TRUE(got.done);
  EXPECT_EQ(got.audio, socket_.audio_for(kSentence, "ulaw_8000"));
  EXPECT_EQ(got.order, (std::vector<std::string>{"audio", "done"}));
  EXPECT_EQ(http_.requests().size(), 2u) << "one retry on the same provider";
  EXPECT_EQ(socket_.requests().size(), 1u);
  EXPECT_EQ(tts->name(), "elevenlabs_ws");
  EXPECT_EQ(socket_.characters_spoken(), kSentence.size());
  EXPECT_EQ(got.providers,
            (std::vector<std::string>{"elevenlabs", "elevenlabs", "elevenlabs_ws"}))
      << "each attempt is announced, so the call bills every provider that was sent the sentence";
}

TEST_F(FallbackTtsTest, TheNextProvidersFormatIsConvertedToTheFirstOnes) {
  http_.enqueue(FakeElevenLabsReply::server_error(500));
  http_.enqueue(FakeElevenLabsReply::server_error(500));
  auto pcm = config_for(socket_, ElevenLabsTransport::websocket);
  pcm.output_format = "pcm_16000";
  auto tts = chain(pcm);
  EXPECT_EQ(tts->output_format(), kTelephonyMulaw);
  const auto got = speak(*tts);
  EXPECT_EQ(got.error(), "");
  audio::FormatConverter expected_conversion(kPcm16k, kTelephonyMulaw);
  const auto source = socket_.audio_for(kSentence, "pcm_16000");
  std::string expected;
  const auto converted = expected_conversion.convert(
      {reinterpret_cast<const std::uint8_t*>(source.data()), source.size()});
  expected.append(reinterpret_cast<const char*>(converted.data()), converted.size());
  const auto tail = expected_conversion.flush();
  expected.append(reinterpret_cast<const char*>(tail.data()), tail.size());
  EXPECT_EQ(got.audio.size(), expected.size());
  EXPECT_EQ(got.audio, expected);
  EXPECT_EQ(socket_.requests().at(0).query_param("output_format"), "pcm_16000");
}

TEST_F(FallbackTtsTest, AFailureAfterAudioIsPassedOn) {
  FakeElevenLabsReply cut;
  cut.disconnect_after = 2;
  http_.enqueue(cut);
  auto tts = chain();
  const auto got = speak(*tts);
  EXPECT_EQ(got.audio, http_.audio_for(kSentence, "ulaw_8000").substr(0, 2 * 320));
  EXPECT_EQ(got.order, (std::vector<std::string>{"audio", "error"}));
  EXPECT_TRUE(contains(got.error(), "elevenlabs: connection lost")) << got.error();
  EXPECT_TRUE(socket_.requests().empty()) << "the caller already heard part of the sentence";
  EXPECT_FALSE(tts->health().healthy(0));
}

TEST_F(FallbackTtsTest, WhenEveryProviderFailsOneErrorNamesEachFailure) {
  http_.enqueue(FakeElevenLabsReply::server_error(500));
  http_.enqueue(FakeElevenLabsReply::server_error(500));
  auto wrong_key = config_for(socket_, ElevenLabsTransport::websocket);
  wrong_key.api_key = "sk_wrong_key_000000000000";
  auto tts = chain(wrong_key);
  const auto got = speak(*tts);
  EXPECT_EQ(got.order, (std::vector<std::string>{"error"}));
  EXPECT_TRUE(contains(got.error(), "fallback: every provider failed: [1] elevenlabs: server "
                                    "error (HTTP 500"))
      << got.error();
  EXPECT_TRUE(contains(got.error(), "[2] elevenlabs_ws: authentication failed")) << got.error();
  EXPECT_FALSE(contains(got.error(), "sk_wrong_key")) << got.error();
}

TEST_F(FallbackTtsTest, CancelMidSentenceStopsEverything) {
  FakeElevenLabsReply slow;
  slow.chunk_interval = milliseconds(20);
  http_.enqueue(slow);
  auto tts = chain();
  TtsRecorder recorder;
  std::unique_ptr<TtsStream> stream;
  recorder.after_audio = [&] {
    if (recorder.chunks == 2) stream->cancel();
  };
  stream = tts->synthesize(context(), std::string(kSentence), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.chunks >= 2; }));
  EXPECT_TRUE(run_until([&] { return http_.client_disconnects() == 1; }));
  run_for(milliseconds(200));
  EXPECT_EQ(recorder.chunks, 2u);
  EXPECT_FALSE(recorder.ended());
  EXPECT_TRUE(socket_.requests().empty());
  EXPECT_TRUE(tts->health().healthy(0));
}

}  // namespace
}  // namespace patter::providers::testing
