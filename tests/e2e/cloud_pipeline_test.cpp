// A pipeline call end to end on the cloud providers: the real server with the Deepgram,
// OpenAI-compatible and ElevenLabs clients against their fakes, called by the simulated Twilio
// caller. The caller's audio carries words the fake Deepgram hears (see fake_deepgram.hpp).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <patter/llm.hpp>
#include <patter/stt.hpp>
#include <patter/tts.hpp>

#include "audio/wav.hpp"
#include "fakes/fake_deepgram.hpp"
#include "fakes/fake_elevenlabs.hpp"
#include "fakes/fake_openai_chat.hpp"
#include "twilio_e2e_fixture.hpp"

namespace patter::e2e {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CloudPipelineE2E : public TwilioE2ETest {};

TEST_F(CloudPipelineE2E, ACallRunsOnDeepgramAnOpenAiCompatibleModelAndElevenLabs) {
  fakes::FakeDeepgram deepgram;
  fakes::FakeOpenAiChatOptions chat_options;
  chat_options.default_reply = fakes::FakeChatReply::text({"We have", " a table", " for two."});
  fakes::FakeOpenAiChat chat(chat_options);
  fakes::FakeElevenLabs elevenlabs;
  std::string greeting;
  start([&](Agent& agent, server::PatterServerConfig&) {
    greeting = agent.first_message;
    stt::DeepgramOptions listen;
    listen.api_key = deepgram.options().api_key;
    listen.base_url = deepgram.url();
    agent.stt = stt::deepgram(std::move(listen));
    llm::OpenAiOptions think;
    think.api_key = chat.options().api_key;
    think.model = "fake-model";
    agent.llm = llm::openai_compatible(chat.base_url(), std::move(think));
    tts::ElevenLabsOptions speak;
    speak.api_key = elevenlabs.options().api_key;
    speak.base_url = elevenlabs.base_url();
    agent.tts = tts::elevenlabs(std::move(speak));
  });

  const std::string words = deepgram.speech({"a", "table", "for", "two"});
  audio::WavAudio question;
  question.encoding = Encoding::mulaw;
  question.data.assign(words.begin(), words.end());
  const auto question_path = folder / "question.wav";
  audio::write_wav_file(question_path, question);

  const auto result = call(R"yaml(
steps:
  - wait_for_agent: {timeout_ms: 10000}
  - say_wav: )yaml" + question_path.string() + R"yaml(
  - wait_for_agent: {timeout_ms: 10000}
  - hang_up
)yaml");
  EXPECT_THAT(result.errors, ::testing::IsEmpty());
  EXPECT_EQ(result.ended_by, "caller");
  ASSERT_EQ(result.turns.size(), 1U);
  EXPECT_TRUE(result.turns[0].response_latency_ms);

  const auto end = log.wait_for_end(result.call_sid, 10s);
  ASSERT_TRUE(end);
  EXPECT_THAT(spoken_lines(end->transcript),
              ElementsAre("assistant: " + greeting, "user: a table for two",
                          "assistant: We have a table for two."));

  // The caller's μ-law went to Deepgram as it was, and its words reached the model.
  const auto streams = deepgram.streams();
  ASSERT_FALSE(streams.empty());
  EXPECT_EQ(streams[0].query_param("encoding"), "mulaw");
  EXPECT_EQ(streams[0].query_param("sample_rate"), "8000");
  ASSERT_EQ(chat.requests().size(), 1U);
  EXPECT_THAT(chat.requests()[0].body, HasSubstr("a table for two"));
  // Both the greeting and the answer were spoken by ElevenLabs, in the carrier's format.
  const auto spoken = elevenlabs.requests();
  ASSERT_GE(spoken.size(), 2U);
  for (const auto& request : spoken) EXPECT_EQ(request.query_param("output_format"), "ulaw_8000");

  ASSERT_TRUE(end->metrics);
  EXPECT_EQ(end->metrics->call.provider_mode, "pipeline");
  EXPECT_EQ(end->metrics->call.stt_provider, "deepgram");
  EXPECT_EQ(end->metrics->call.tts_provider, "elevenlabs");
  EXPECT_GT(end->metrics->cost.stt, 0.0);
  EXPECT_GT(end->metrics->cost.tts, 0.0);
}

}  // namespace
}  // namespace patter::e2e
