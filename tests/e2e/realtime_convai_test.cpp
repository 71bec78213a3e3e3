// A realtime call end to end on ElevenLabs Conversational AI: the real server and ConvAI client
// against the fake ConvAI service, called by the simulated Twilio caller.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <patter/realtime.hpp>

#include "fakes/fake_elevenlabs_convai.hpp"
#include "twilio_e2e_fixture.hpp"

namespace patter::e2e {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

class RealtimeConvAiE2E : public TwilioE2ETest {};

TEST_F(RealtimeConvAiE2E, AConvAiCallGreetsAnswersAndEndsWithTheCaller) {
  fakes::FakeElevenLabsConvAiOptions options;
  options.turns = {{"where are you", std::nullopt, "At twelve Harbour Street."}};
  options.audio_per_character = 40ms;
  fakes::FakeElevenLabsConvAi fake(options);
  start([&](Agent& agent, server::PatterServerConfig&) {
    agent.stt = nullptr;
    agent.llm = nullptr;
    agent.tts = nullptr;
    realtime::ElevenLabsConvAiOptions engine;
    engine.api_key = fake.options().api_key;
    engine.agent_id = fake.options().agent_id;
    engine.base_url = fake.base_url();
    agent.engine = realtime::elevenlabs_convai(std::move(engine));
  });
  const auto result = call(R"yaml(
steps:
  - wait_for_agent: {timeout_ms: 10000}
  - say: "where are you"
    rate: 150
  - wait_for_agent: {timeout_ms: 10000}
  - hang_up
)yaml");
  EXPECT_THAT(result.errors, ::testing::IsEmpty());
  EXPECT_EQ(result.ended_by, "caller");
  ASSERT_TRUE(result.first_agent_audio_ms);
  ASSERT_EQ(result.turns.size(), 1U);
  EXPECT_TRUE(result.turns[0].response_latency_ms);

  const auto end = log.wait_for_end(result.call_sid, 10s);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->reason, "caller hung up");
  EXPECT_THAT(spoken_lines(end->transcript),
              ElementsAre("assistant: Hello, Trattoria Patter.", "user: where are you",
                          "assistant: At twelve Harbour Street."));
  ASSERT_TRUE(end->metrics);
  EXPECT_EQ(end->metrics->call.provider_mode, "realtime");
  EXPECT_EQ(end->metrics->call.llm_provider, "elevenlabs_convai");
  EXPECT_DOUBLE_EQ(end->metrics->cost.llm, 0.0) << "ConvAI reports no tokens";

  const auto conversations = fake.conversations();
  ASSERT_EQ(conversations.size(), 1U);
  EXPECT_EQ(conversations[0].output_format, "ulaw_8000") << "the carrier's μ-law passes straight through";
  EXPECT_EQ(conversations[0].input_format, "ulaw_8000");
  EXPECT_THAT(conversations[0].spoken, ::testing::Contains("Hello, Trattoria Patter."));
  EXPECT_GT(conversations[0].user_audio_bytes, 0U);
}

}  // namespace
}  // namespace patter::e2e
