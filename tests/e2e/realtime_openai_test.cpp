// Realtime calls end to end: the real server with an OpenAI Realtime agent (the real client)
// talking to the fake Realtime service, called by the simulated Twilio caller.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <patter/realtime.hpp>

#include "fakes/fake_openai_realtime.hpp"
#include "twilio_e2e_fixture.hpp"

namespace patter::e2e {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr auto kEndWait = 10s;
constexpr std::string_view kGreeting = "Hello, Trattoria Patter.";

// Time (ms) of the first agent sample louder than `level` at or after `from_ms`.
std::optional<double> agent_audio_from(const audio::WavAudio& recording, double from_ms, int level = 200) {
  const auto samples = recording.samples();
  for (auto frame = static_cast<std::size_t>(from_ms * 8.0); frame < samples.size() / 2; ++frame) {
    if (std::abs(static_cast<int>(samples[frame * 2 + 1])) > level) return static_cast<double>(frame) / 8.0;
  }
  return std::nullopt;
}

// Peak of the agent channel between two times (ms).
int agent_peak(const audio::WavAudio& recording, double from_ms, double to_ms) {
  const auto samples = recording.samples();
  const auto last = std::min(static_cast<std::size_t>(to_ms * 8.0), samples.size() / 2);
  int peak = 0;
  for (auto frame = static_cast<std::size_t>(from_ms * 8.0); frame < last; ++frame) {
    peak = std::max(peak, std::abs(static_cast<int>(samples[frame * 2 + 1])));
  }
  return peak;
}

class RealtimeOpenAiE2E : public TwilioE2ETest {
 protected:
  // The server's agent answers with OpenAI Realtime on `fake`.
  void start_realtime(fakes::FakeOpenAiRealtime& fake,
                      const std::function<void(realtime::OpenAiRealtimeOptions&, Agent&)>& adjust = {}) {
    start([&](Agent& agent, server::PatterServerConfig&) {
      agent.stt = nullptr;
      agent.llm = nullptr;
      agent.tts = nullptr;
      realtime::OpenAiRealtimeOptions options;
      options.api_key = fake.options().api_key;
      options.base_url = fake.url();
      if (adjust) adjust(options, agent);
      agent.engine = realtime::openai(std::move(options));
    });
  }
};

TEST_F(RealtimeOpenAiE2E, TheGreetingIsSpokenVerbatimAndATurnIsAnswered) {
  fakes::FakeOpenAiRealtimeOptions options;
  options.user_transcripts = {"where are you"};
  options.replies = {{"At twelve Harbour Street.", 800ms, std::nullopt}};
  fakes::FakeOpenAiRealtime fake(options);
  start_realtime(fake);
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
  EXPECT_TRUE(result.turns[0].response_latency_ms) << "the answer was heard";
  EXPECT_FALSE(result.marks_echoed.empty()) << "the engine's audio is paced with marks";

  const auto end = log.wait_for_end(result.call_sid, kEndWait);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->reason, "caller hung up");
  EXPECT_THAT(spoken_lines(end->transcript),
              ElementsAre("assistant: " + std::string(kGreeting), "user: where are you",
                          "assistant: At twelve Harbour Street."));
  ASSERT_TRUE(end->metrics);
  EXPECT_EQ(end->metrics->call.provider_mode, "realtime");
  EXPECT_GT(end->metrics->cost.llm, 0.0) << "the engine's token usage is billed";
  ASSERT_EQ(end->metrics->turns.size(), 2U);
  EXPECT_EQ(end->metrics->turns[1].user_text, "where are you");
  EXPECT_GT(end->metrics->turns[1].latency.total_ms, 0.0);

  const auto connections = fake.connections();
  ASSERT_EQ(connections.size(), 1U);
  ASSERT_FALSE(connections[0].response_instructions.empty());
  EXPECT_THAT(connections[0].response_instructions[0], HasSubstr(std::string(kGreeting)));

  const auto record = call_record(result.call_sid);
  EXPECT_EQ(record.at("provider_mode").as_string(), "realtime");
}

TEST_F(RealtimeOpenAiE2E, BargeInTruncatesTheAnswerWhereTheCallerStoppedHearingIt) {
  fakes::FakeOpenAiRealtimeOptions options;
  options.user_transcripts = {"book a table", "stop"};
  options.replies = {{"Happily. We keep tables free for phone guests every evening, so just come by and "
                      "tell us your name at the door, and we will find you a seat.",
                      6000ms, std::nullopt},
                     {"Of course.", 600ms, std::nullopt}};
  options.late_deltas_after_cancel = 3;
  fakes::FakeOpenAiRealtime fake(options);
  start_realtime(fake);
  const auto result = call(R"yaml(
steps:
  - wait_for_agent: {timeout_ms: 10000}
  - say: "book a table"
    rate: 150
  - barge_in: {after_agent_starts_ms: 1500, say: "stop", rate: 150}
  - wait_for_agent: {timeout_ms: 10000}
  - hang_up
)yaml");
  EXPECT_THAT(result.errors, ::testing::IsEmpty());
  ASSERT_EQ(result.turns.size(), 2U);
  ASSERT_GE(result.clears.size(), 1U);
  const auto& clear = result.clears.front();

  ASSERT_TRUE(fake.wait_for([](const auto& connections) {
    return !connections.empty() && !connections[0].truncates.empty();
  }));
  const auto truncate = fake.connections()[0].truncates.front();
  EXPECT_FALSE(truncate.item_id.empty());
  EXPECT_EQ(truncate.content_index, 0);
  // What the caller heard of the answer: from its first audio to the clear.
  const auto answer_start = agent_audio_from(result.recording, result.turns[0].stopped_ms);
  ASSERT_TRUE(answer_start);
  const double heard_ms = clear.at_ms - *answer_start;
  EXPECT_GT(heard_ms, 1000.0);
  EXPECT_NEAR(static_cast<double>(truncate.audio_end_ms), heard_ms, 40.0)
      << "the engine forgets exactly what the caller did not hear (within two frames)";

  // Nothing of the cancelled answer plays after the clear, though the engine still sent some.
  ASSERT_TRUE(clear.next_media_after_ms);
  EXPECT_EQ(agent_peak(result.recording, clear.at_ms + 20.0, clear.at_ms + *clear.next_media_after_ms), 0);

  const auto end = log.wait_for_end(result.call_sid, kEndWait);
  ASSERT_TRUE(end);
  const auto lines = spoken_lines(end->transcript);
  ASSERT_GE(lines.size(), 4U);
  EXPECT_THAT(lines[2], ::testing::StartsWith("assistant: Happily."));
  EXPECT_THAT(lines[2], ::testing::Not(HasSubstr("find you a seat"))) << "only what was heard is kept";
  ASSERT_TRUE(end->metrics);
  ASSERT_GE(end->metrics->turns.size(), 2U);
  EXPECT_TRUE(end->metrics->turns[1].interrupted());
}

TEST_F(RealtimeOpenAiE2E, AToolCallRoundTripsThroughTheAgentsHandler) {
  fakes::FakeOpenAiRealtimeOptions options;
  options.user_transcripts = {"when are you open"};
  options.replies = {{"", 0ms, fakes::FakeRealtimeFunctionCall{"opening_hours", R"({"day":"monday"})"}},
                     {"We open at noon on Monday.", 800ms, std::nullopt}};
  fakes::FakeOpenAiRealtime fake(options);
  std::atomic<int> calls{0};
  start_realtime(fake, [&](realtime::OpenAiRealtimeOptions&, Agent& agent) {
    agent.tools.push_back(Tool{"opening_hours", "Opening hours of a day",
                               R"({"type":"object","properties":{"day":{"type":"string"}}})",
                               [&calls](const std::string& arguments, const CallParties&) {
                                 ++calls;
                                 return arguments.find("monday") != std::string::npos ? std::string("noon to ten")
                                                                                      : std::string("closed");
                               },
                               {}});
  });
  const auto result = call(R"yaml(
steps:
  - wait_for_agent: {timeout_ms: 10000}
  - say: "when are you open"
    rate: 150
  - wait_for_agent: {timeout_ms: 10000}
  - hang_up
)yaml");
  EXPECT_THAT(result.errors, ::testing::IsEmpty());
  EXPECT_EQ(calls.load(), 1);
  const auto connections = fake.connections();
  ASSERT_EQ(connections.size(), 1U);
  bool answered = false;
  for (const auto& item : connections[0].client("conversation.item.create")) {
    if (item.find("function_call_output") != std::string::npos && item.find("noon to ten") != std::string::npos) {
      answered = true;
    }
  }
  EXPECT_TRUE(answered) << "the handler's result went back as function_call_output";
  const auto end = log.wait_for_end(result.call_sid, kEndWait);
  ASSERT_TRUE(end);
  EXPECT_THAT(spoken_lines(end->transcript),
              ElementsAre("assistant: " + std::string(kGreeting), "user: when are you open",
                          "assistant: We open at noon on Monday."));
}

TEST_F(RealtimeOpenAiE2E, EndCallHangsUpAfterTheGoodbye) {
  fakes::FakeOpenAiRealtimeOptions options;
  options.user_transcripts = {"goodbye"};
  options.replies = {{"", 0ms, fakes::FakeRealtimeFunctionCall{"end_call", R"({"reason":"the caller said goodbye"})"}},
                     {"Goodbye!", 600ms, std::nullopt}};
  fakes::FakeOpenAiRealtime fake(options);
  start_realtime(fake);
  const auto result = call(R"yaml(
steps:
  - wait_for_agent: {timeout_ms: 10000}
  - say: "goodbye"
    rate: 150
  - wait_for_agent: {timeout_ms: 10000}
  - pause_ms: 5000
  - hang_up
)yaml");
  EXPECT_EQ(result.ended_by, "agent");
  ASSERT_EQ(result.turns.size(), 1U);
  EXPECT_TRUE(result.turns[0].response_latency_ms) << "the goodbye was heard before the hang-up";
  const auto end = log.wait_for_end(result.call_sid, kEndWait);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->reason, "agent ended the call: the caller said goodbye");
  EXPECT_THAT(spoken_lines(end->transcript), ::testing::Contains("assistant: Goodbye!"));
  EXPECT_EQ(end->transcript.back().text, "Call ended: the caller said goodbye");
}

TEST_F(RealtimeOpenAiE2E, TransferCallDialsTheNumberThroughTwilio) {
  fakes::FakeOpenAiRealtimeOptions options;
  options.user_transcripts = {"put me through to the chef"};
  options.replies = {{"", 0ms, fakes::FakeRealtimeFunctionCall{"transfer_call", R"({"number":"+15557654321"})"}},
                     {"Transferring you now.", 600ms, std::nullopt}};
  fakes::FakeOpenAiRealtime fake(options);
  start_realtime(fake);
  const auto result = call(R"yaml(
steps:
  - wait_for_agent: {timeout_ms: 10000}
  - say: "put me through to the chef"
    rate: 150
  - wait_for_agent: {timeout_ms: 10000}
  - pause_ms: 5000
  - hang_up
)yaml");
  const auto end = log.wait_for_end(result.call_sid, kEndWait);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->reason, "transferred to +15557654321");
  EXPECT_EQ(end->transcript.back().text, "Call transferred to +15557654321");
  bool dialled = false;
  for (int attempt = 0; attempt < 50 && !dialled; ++attempt) {
    for (const auto& request : rest.requests()) {
      const auto twiml = request.field("Twiml");
      if (request.path.ends_with("/Calls/" + result.call_sid + ".json") && twiml &&
          twiml->find("<Dial>+15557654321</Dial>") != std::string::npos) {
        dialled = true;
      }
    }
    if (!dialled) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(dialled) << "Twilio was told to dial the number";
}

TEST_F(RealtimeOpenAiE2E, TheGaSessionTranscodesToTwentyMillisecondFrames) {
  fakes::FakeOpenAiRealtimeOptions options;
  fakes::FakeOpenAiRealtime fake(options);
  start_realtime(fake, [](realtime::OpenAiRealtimeOptions& engine, Agent&) {
    engine.api = realtime::OpenAiRealtimeApi::ga;
    engine.ga_transcode = true;
  });
  const auto result = call(R"yaml(
steps:
  - wait_for_agent: {timeout_ms: 10000}
  - hang_up
)yaml");
  EXPECT_THAT(result.errors, ::testing::IsEmpty());
  const auto connections = fake.connections();
  ASSERT_EQ(connections.size(), 1U);
  EXPECT_TRUE(connections[0].ga);
  EXPECT_THAT(connections[0].session_json, HasSubstr("audio/pcm"));
  // The greeting's audio (40 ms per character at the fake) reaches the caller as 160-byte frames
  // of 20 ms: as many frames as it lasts, and as long on the caller's side.
  const double greeting_ms = 40.0 * static_cast<double>(kGreeting.size());
  EXPECT_NEAR(static_cast<double>(result.frames_received) * 20.0, greeting_ms, 60.0);
  ASSERT_TRUE(result.first_agent_audio_ms);
  const auto start = *result.first_agent_audio_ms;
  EXPECT_GT(agent_peak(result.recording, start, start + greeting_ms - 60.0), 1000);
  EXPECT_EQ(agent_peak(result.recording, start + greeting_ms + 60.0, start + greeting_ms + 400.0), 0);
  const auto end = log.wait_for_end(result.call_sid, kEndWait);
  ASSERT_TRUE(end);
  EXPECT_THAT(spoken_lines(end->transcript), ElementsAre("assistant: " + std::string(kGreeting)));
}

TEST_F(RealtimeOpenAiE2E, ARejectedKeyEndsTheCallCleanlyAndKeepsItsRecord) {
  fakes::FakeOpenAiRealtimeOptions options;
  options.reject_status = 401;
  fakes::FakeOpenAiRealtime fake(options);
  start_realtime(fake);
  const auto result = call(R"yaml(
steps:
  - pause_ms: 3000
  - hang_up
)yaml");
  EXPECT_EQ(result.ended_by, "agent") << "the server ends the call it cannot serve";
  EXPECT_FALSE(result.first_agent_audio_ms);
  const auto end = log.wait_for_end(result.call_sid, kEndWait);
  ASSERT_TRUE(end);
  EXPECT_THAT(end->reason, ::testing::StartsWith("error: openai_realtime: "));
  EXPECT_THAT(end->reason, HasSubstr("OPENAI_API_KEY"));
  const auto record = call_record(result.call_sid);
  EXPECT_EQ(record.at("call_id").as_string(), result.call_sid);
  bool reason_stored = false;
  for (const auto& line : record.at("transcript").as_array()) {
    const auto& entry = line.as_object();
    if (entry.at("role").as_string() == "system" &&
        std::string_view(entry.at("text").as_string()).find("OPENAI_API_KEY") != std::string_view::npos) {
      reason_stored = true;
    }
  }
  EXPECT_TRUE(reason_stored) << "the record says why the call ended";
}

}  // namespace
}  // namespace patter::e2e
