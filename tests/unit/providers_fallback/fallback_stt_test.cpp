// A fallback chain of two real Deepgram clients against two fake Deepgram servers on 127.0.0.1:
// a stream refused before any transcript moves to the next provider, a stream that drops
// mid-call is carried on by the next provider without losing a word, every failure is named
// when all fail, and close() ends everything.

#include "providers/fallback/fallback_stt.hpp"

#include <algorithm>
#include <chrono>

#include "fakes/fake_deepgram.hpp"
#include "fallback_test_support.hpp"
#include "providers/stt/deepgram_stt.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeDeepgram;
using fakes::FakeDeepgramOptions;
using std::chrono::milliseconds;
using std::chrono::seconds;

bool heard(const fakes::FakeDeepgramStream& stream, std::string_view word) {
  return std::any_of(stream.sent.begin(), stream.sent.end(), [word](const std::string& message) {
    return message.find("\"word\":\"" + std::string(word) + "\"") != std::string::npos;
  });
}

class FallbackSttTest : public FallbackTest {
 protected:
  // No reconnects of its own: a dropped socket fails the client's stream at once.
  [[nodiscard]] static DeepgramConfig config_for(const FakeDeepgram& fake) {
    DeepgramConfig config;
    config.api_key = fake.options().api_key;
    config.base_url = fake.url();
    config.extra_ca_pem = fake.certificate_pem();
    config.reconnect_attempts = 0;
    return config;
  }

  // The second provider runs another model, so the two can be told apart in announcements.
  [[nodiscard]] std::shared_ptr<FallbackStt> chain(const FakeDeepgram& first,
                                                   const FakeDeepgram& second) const {
    const auto clock = [clock = clock_](const boost::asio::any_io_executor&) { return clock; };
    auto backup = config_for(second);
    backup.model = "nova-2";
    return std::make_shared<FallbackStt>(
        std::vector<std::shared_ptr<SttProvider>>{
            std::make_shared<DeepgramStt>(config_for(first), clock),
            std::make_shared<DeepgramStt>(std::move(backup), clock)},
        settings());
  }

  // Pushes `audio` in 20 ms frames of μ-law, letting the loop run between frames.
  void push(SttStream& stream, const std::string& audio) {
    constexpr std::size_t kFrame = 160;
    for (std::size_t at = 0; at < audio.size(); at += kFrame) {
      const auto size = std::min(kFrame, audio.size() - at);
      stream.push_audio({reinterpret_cast<const std::uint8_t*>(audio.data() + at), size});
      poll();
    }
  }
};

TEST_F(FallbackSttTest, AStreamRefusedBeforeAnyTranscriptMovesToTheNextProvider) {
  FakeDeepgramOptions refusing;
  refusing.reject_status = 401;
  FakeDeepgram primary(refusing);
  FakeDeepgram secondary;
  auto stt = chain(primary, secondary);
  EXPECT_EQ(stt->input_format(), kTelephonyMulaw);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, secondary.speech({"hello", "there"}) + FakeDeepgram::silence(milliseconds(400)));
  ASSERT_TRUE(run_until([&] { return recorder.final_texts().size() == 1; }));
  EXPECT_EQ(recorder.final_texts(), (std::vector<std::string>{"hello there"}));
  EXPECT_TRUE(recorder.errors.empty());
  const auto refused = primary.streams();
  ASSERT_EQ(refused.size(), 2u) << "one retry on the same provider";
  EXPECT_TRUE(refused[0].rejected && refused[1].rejected);
  EXPECT_FALSE(stt->health().healthy(0));
  EXPECT_EQ(recorder.providers, (std::vector<std::string>{"deepgram/nova-3", "deepgram/nova-2"}))
      << "the retry on the same provider is not announced again";
  stream->close();
}

TEST_F(FallbackSttTest, AStreamThatDropsMidCallIsCarriedOnByTheNextProviderWithoutLosingWords) {
  FakeDeepgramOptions options;
  FakeDeepgram probe(options);
  const auto first = probe.speech({"hello", "there"}) + FakeDeepgram::silence(milliseconds(400));
  const auto second =
      probe.speech({"I", "would", "like", "a", "table"}) + FakeDeepgram::silence(milliseconds(400));
  // The primary's socket drops in the middle of "like", after the first utterance's final.
  options.drop_after_bytes = first.size() + 2 * 3200 + 1200;
  FakeDeepgram primary(options);
  FakeDeepgram secondary;
  auto stt = chain(primary, secondary);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());

  push(*stream, first);
  ASSERT_TRUE(run_until([&] { return recorder.final_texts().size() == 1; }));
  push(*stream, second);
  ASSERT_TRUE(run_until([&] { return recorder.final_texts().size() == 2; }))
      << ::testing::PrintToString(recorder.final_texts());

  EXPECT_EQ(recorder.final_texts(),
            (std::vector<std::string>{"hello there", "I would like a table"}));
  EXPECT_TRUE(recorder.errors.empty());
  ASSERT_EQ(primary.streams().size(), 1u);
  EXPECT_TRUE(primary.streams()[0].dropped);
  const auto taken_over = secondary.streams();
  ASSERT_EQ(taken_over.size(), 1u);
  EXPECT_FALSE(heard(taken_over[0], "hello")) << "the first utterance was final: not replayed";
  EXPECT_TRUE(heard(taken_over[0], "like"));
  // Word times stay on the call's audio clock: "I" starts after the first 1200 ms.
  const auto& replayed = recorder.finals.back();
  ASSERT_TRUE(replayed.start_ms && replayed.end_ms);
  EXPECT_NEAR(*replayed.start_ms, 1200.0, 1.0);
  EXPECT_NEAR(*replayed.end_ms, 1200.0 + 5 * 400 - 100, 1.0);
  // The call bills the rest to the secondary, and the audio it heard again once more: what
  // followed the first final (at 700 ms), up to the drop (2150 ms) at least, and at most up to
  // the end of the audio (3600 ms) if the drop was noticed that late.
  EXPECT_EQ(recorder.providers, (std::vector<std::string>{"deepgram/nova-3", "deepgram/nova-2"}));
  EXPECT_GE(recorder.replayed_seconds, 1.45 - 1e-9);
  EXPECT_LE(recorder.replayed_seconds, 2.9 + 1e-9);
  stream->close();

  // The next call skips the primary until its recovery interval has passed.
  SttRecorder next;
  auto next_stream = stt->open(context("CA0002"), next.events());
  push(*next_stream, secondary.speech({"thanks"}) + FakeDeepgram::silence(milliseconds(400)));
  ASSERT_TRUE(run_until([&] { return next.final_texts().size() == 1; }));
  EXPECT_EQ(secondary.streams().size(), 2u);
  EXPECT_EQ(primary.streams().size(), 1u);
}

TEST_F(FallbackSttTest, WhenEveryProviderFailsOneErrorNamesEachFailure) {
  FakeDeepgramOptions refusing;
  refusing.reject_status = 401;
  FakeDeepgram primary(refusing);
  FakeDeepgramOptions limited;
  limited.reject_status = 400;
  FakeDeepgram secondary(limited);
  auto stt = chain(primary, secondary);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  ASSERT_TRUE(run_until([&] { return !recorder.errors.empty(); }));
  run_for(milliseconds(50));
  ASSERT_EQ(recorder.errors.size(), 1u);
  const auto& message = recorder.errors[0];
  EXPECT_TRUE(contains(message, "fallback: every provider failed: [1] deepgram: the API key was "
                                "rejected (HTTP 401)"))
      << message;
  EXPECT_TRUE(contains(message, "[2] deepgram: the stream was refused (HTTP 400)")) << message;
  EXPECT_EQ(primary.streams().size(), 2u);
  EXPECT_EQ(secondary.streams().size(), 2u);
  push(*stream, secondary.speech({"hello"}));
  run_for(milliseconds(50));
  EXPECT_EQ(secondary.streams().size(), 2u) << "a failed stream opens nothing more";
}

TEST_F(FallbackSttTest, CloseMidUtteranceDeliversNothingMoreAndClosesTheSocket) {
  FakeDeepgram primary;
  FakeDeepgram secondary;
  auto stt = chain(primary, secondary);
  SttRecorder recorder;
  auto stream = stt->open(context(), recorder.events());
  push(*stream, primary.speech({"hello", "there", "I", "would"}).substr(0, 4000));
  ASSERT_TRUE(run_until([&] { return !recorder.interims.empty(); }));
  stream->close();
  const auto seen = recorder.events_seen();
  push(*stream, FakeDeepgram::silence(milliseconds(500)));
  ASSERT_TRUE(run_until([&] { return primary.streams().at(0).ended; }));
  run_for(milliseconds(200));
  EXPECT_EQ(recorder.events_seen(), seen);
  EXPECT_TRUE(secondary.streams().empty());
}

}  // namespace
}  // namespace patter::providers::testing
