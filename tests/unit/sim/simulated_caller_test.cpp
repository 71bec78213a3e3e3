#include "sim/simulated_caller.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <boost/asio/io_context.hpp>
#include <cmath>
#include <numbers>

#include "audio/wav.hpp"
#include "carriers/twilio/sid.hpp"
#include "fake_twilio_agent.hpp"
#include "fakes/run_coroutine.hpp"
#include "providers/embedded/espeak_engine.hpp"

namespace patter::sim {
namespace {

namespace twilio = carriers::twilio;
using namespace std::chrono_literals;
using testing::FakeAgentOptions;
using testing::FakeTwilioAgent;
using testing::ReceivedMessage;

double ms_between(testing::SteadyTime from, testing::SteadyTime to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

template <typename Message>
std::vector<Message> messages_of(const std::vector<ReceivedMessage>& received) {
  std::vector<Message> found;
  for (const auto& entry : received) {
    if (const auto* message = std::get_if<Message>(&entry.message)) found.push_back(*message);
  }
  return found;
}

std::optional<testing::SteadyTime> time_of(const std::vector<testing::SentEvent>& events,
                                           const std::string& what) {
  for (const auto& event : events) {
    if (event.what == what) return event.at;
  }
  return std::nullopt;
}

std::optional<testing::SteadyTime> echo_time(const std::vector<ReceivedMessage>& received,
                                             const std::string& name) {
  for (const auto& entry : received) {
    const auto* mark = std::get_if<twilio::Mark>(&entry.message);
    if (mark != nullptr && mark->name == name) return entry.at;
  }
  return std::nullopt;
}

// Root mean square of one channel of a stereo recording over [from_ms, to_ms).
double channel_rms(const audio::WavAudio& wav, int channel, double from_ms, double to_ms) {
  const auto samples = wav.samples();
  const auto frames = samples.size() / 2;
  const auto first = std::min(frames, static_cast<std::size_t>(from_ms * 8));
  const auto last = std::min(frames, static_cast<std::size_t>(to_ms * 8));
  double sum = 0;
  for (auto i = first; i < last; ++i) {
    const double sample = samples[i * 2 + static_cast<std::size_t>(channel)];
    sum += sample * sample;
  }
  return last > first ? std::sqrt(sum / static_cast<double>(last - first)) : 0.0;
}

class SimulatedCallerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("patter-sim-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    // 400 ms of a 300 Hz tone at 16 kHz, so loading it resamples.
    std::vector<std::int16_t> tone(6400);
    for (std::size_t i = 0; i < tone.size(); ++i) {
      tone[i] = static_cast<std::int16_t>(
          6000.0 * std::sin(2.0 * std::numbers::pi * 300.0 * static_cast<double>(i) / 16000.0));
    }
    audio::write_wav_file(dir_ / "tone.wav", audio::WavAudio::from_samples(tone, 16000));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CallScript script(const std::string& yaml) { return parse_call_script(yaml, "test.yaml", dir_); }

  SimulationResult call(CallScript call_script, SimulatedCallerOptions options) {
    SimulatedCaller caller(std::move(call_script), std::move(options));
    call_sid_ = caller.call_sid();
    stream_sid_ = caller.stream_sid();
    return fakes::run_coroutine(io_, caller.run(), 20s);
  }

  static SimulatedCallerOptions direct(const FakeTwilioAgent& agent) {
    SimulatedCallerOptions options;
    options.stream_url = agent.stream_url();
    options.auth_token = "sim-test-token";
    return options;
  }

  boost::asio::io_context io_;
  std::filesystem::path dir_;
  std::string call_sid_;
  std::string stream_sid_;
};

TEST_F(SimulatedCallerTest, SignedWebhookThenStartWithEveryParameter) {
  FakeTwilioAgent agent(FakeAgentOptions{});
  SimulatedCallerOptions options;
  options.webhook_url = agent.webhook_url();
  options.auth_token = "sim-test-token";
  const auto result = call(script(R"(
call: {from: "+15550009999", custom_parameters: {name: Ada}}
steps: [{pause_ms: 100}, hang_up]
)"),
                           options);

  EXPECT_EQ(result.ended_by, "caller") << result.to_json();
  EXPECT_TRUE(result.errors.empty()) << result.to_json();
  EXPECT_EQ(result.steps_completed, 2u);
  EXPECT_EQ(agent.webhook_signature(), twilio::SignatureCheck::ok);
  EXPECT_EQ(agent.stream_signature(), twilio::SignatureCheck::ok);
  const auto form = agent.webhook_form();
  const auto field = [&form](const std::string& name) {
    for (const auto& [key, value] : form) {
      if (key == name) return value;
    }
    return std::string();
  };
  EXPECT_EQ(field("CallSid"), call_sid_);
  EXPECT_TRUE(twilio::is_valid_sid(field("CallSid"), twilio::SidKind::call));
  EXPECT_TRUE(twilio::is_valid_sid(field("AccountSid"), twilio::SidKind::account));
  EXPECT_EQ(field("From"), "+15550009999");
  EXPECT_EQ(field("To"), "+15550002222");
  EXPECT_EQ(field("Direction"), "inbound");

  const auto received = agent.received();
  ASSERT_GE(received.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<twilio::Connected>(received[0].message));
  const auto& start = std::get<twilio::Start>(received[1].message);
  EXPECT_EQ(received[1].sequence_number, 1u);
  EXPECT_EQ(start.stream_sid, stream_sid_);
  EXPECT_TRUE(twilio::is_valid_sid(start.stream_sid, twilio::SidKind::stream));
  EXPECT_EQ(start.call_sid, call_sid_);
  EXPECT_EQ(start.account_sid, field("AccountSid"));
  EXPECT_EQ(start.custom_parameters.at("tenant"), "acme");
  EXPECT_EQ(start.custom_parameters.at("name"), "Ada");
  EXPECT_EQ(start.media_format.encoding, "audio/x-mulaw");
  EXPECT_EQ(start.media_format.sample_rate, 8000);
  EXPECT_EQ(start.media_format.channels, 1);
  const auto& stop = std::get<twilio::Stop>(received.back().message);
  EXPECT_EQ(stop.call_sid, call_sid_);
  EXPECT_TRUE(agent.errors().empty());
}

TEST_F(SimulatedCallerTest, WrongAuthTokenIsRefusedAndReported) {
  FakeTwilioAgent agent(FakeAgentOptions{});
  SimulatedCallerOptions options;
  options.webhook_url = agent.webhook_url();
  options.auth_token = "not-the-token";
  const auto result = call(script("steps: [hang_up]"), options);
  EXPECT_EQ(result.ended_by, "error");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("403"), std::string::npos) << result.errors[0];
  EXPECT_EQ(agent.webhook_signature(), twilio::SignatureCheck::mismatch);
  EXPECT_FALSE(agent.stream_signature().has_value());
}

TEST_F(SimulatedCallerTest, FramesArePacedInRealTime) {
  FakeTwilioAgent agent(FakeAgentOptions{});
  const auto result = call(script("steps: [{pause_ms: 1000}]"), direct(agent));
  const auto received = agent.received();
  std::vector<ReceivedMessage> frames;
  for (const auto& entry : received) {
    if (std::holds_alternative<twilio::Media>(entry.message)) frames.push_back(entry);
  }
  // 50 frames a second; generous bounds for loaded machines.
  ASSERT_GE(frames.size(), 40u);
  EXPECT_LE(frames.size(), 60u);
  EXPECT_EQ(result.frames_sent, frames.size());
  EXPECT_GE(ms_between(frames.front().at, frames.back().at), 700.0);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& media = std::get<twilio::Media>(frames[i].message);
    EXPECT_EQ(media.chunk, i + 1);
    EXPECT_EQ(media.sequence_number, i + 2);
    EXPECT_EQ(media.timestamp_ms, i * 20);
    EXPECT_EQ(media.payload, std::vector<std::uint8_t>(160, 0xFF));
  }
  EXPECT_EQ(result.ended_by, "caller");
}

TEST_F(SimulatedCallerTest, MarkIsEchoedOnlyAfterItsAudioHasPlayed) {
  FakeAgentOptions agent_options;
  agent_options.greeting = 300ms;
  FakeTwilioAgent agent(agent_options);
  const auto result =
      call(script("steps: [{wait_for_agent: {timeout_ms: 3000, quiet_ms: 200}}, hang_up]"),
           direct(agent));

  const auto sent = time_of(agent.sent(), "mark:greeting");
  const auto echoed = echo_time(agent.received(), "greeting");
  ASSERT_TRUE(sent && echoed);
  const auto delay = ms_between(*sent, *echoed);
  EXPECT_GE(delay, 230.0);
  EXPECT_LT(delay, 1500.0);
  EXPECT_EQ(result.marks_echoed, std::vector<std::string>{"greeting"});
  EXPECT_EQ(result.frames_received, 15u);
  ASSERT_TRUE(result.first_agent_audio_ms.has_value());
  EXPECT_LT(*result.first_agent_audio_ms, 500.0);
  EXPECT_TRUE(result.errors.empty()) << result.to_json();
}

TEST_F(SimulatedCallerTest, BargeInClearReleasesMarksAtOnceAndMeasuresTheStop) {
  FakeAgentOptions agent_options;
  agent_options.greeting = 3000ms;
  agent_options.clear_on_barge_in = true;
  FakeTwilioAgent agent(agent_options);
  const auto result = call(script(R"(
steps:
  - barge_in: {after_agent_starts_ms: 300, say_wav: tone.wav}
  - pause_ms: 200
)"),
                           direct(agent));

  EXPECT_EQ(result.clears_received, 1u) << result.to_json();
  const auto cleared = time_of(agent.sent(), "clear");
  const auto echoed = echo_time(agent.received(), "greeting");
  ASSERT_TRUE(cleared && echoed);
  EXPECT_LT(ms_between(*cleared, *echoed), 500.0);  // not after the remaining ~2.6 s of audio
  ASSERT_EQ(result.turns.size(), 1u);
  const auto& turn = result.turns[0];
  EXPECT_EQ(turn.kind, "barge_in");
  EXPECT_EQ(turn.text, "[wav tone.wav]");
  EXPECT_GE(turn.started_ms, 250.0);
  EXPECT_LT(turn.started_ms, 1000.0);
  ASSERT_TRUE(turn.agent_stop_ms.has_value());
  EXPECT_GE(*turn.agent_stop_ms, 0.0);
  EXPECT_LT(*turn.agent_stop_ms, 600.0);
}

TEST_F(SimulatedCallerTest, MeasuresResponseLatencyAndRecordsBothSides) {
  FakeAgentOptions agent_options;
  agent_options.reply = 400ms;
  agent_options.reply_delay = 300ms;
  FakeTwilioAgent agent(agent_options);
  auto options = direct(agent);
  options.recording_path = dir_ / "call.wav";
  const auto result = call(script(R"(
steps:
  - say_wav: tone.wav
  - wait_for_agent: {timeout_ms: 4000, quiet_ms: 200}
)"),
                           options);

  EXPECT_TRUE(result.errors.empty()) << result.to_json();
  ASSERT_EQ(result.turns.size(), 1u);
  const auto& turn = result.turns[0];
  EXPECT_NEAR(turn.stopped_ms - turn.started_ms, 400.0, 25.0);
  ASSERT_TRUE(turn.response_latency_ms.has_value());
  // The fake waits for 200 ms of silence, then 300 ms more.
  EXPECT_GE(*turn.response_latency_ms, 450.0);
  EXPECT_LT(*turn.response_latency_ms, 1500.0);
  EXPECT_EQ(result.marks_echoed, std::vector<std::string>{"reply"});
  ASSERT_EQ(result.transcript.size(), 1u);
  EXPECT_EQ(result.transcript[0].text, "[wav tone.wav]");

  const auto wav = audio::read_wav_file(dir_ / "call.wav");
  EXPECT_EQ(wav.channels, 2);
  EXPECT_EQ(wav.sample_rate, 8000);
  EXPECT_NEAR(static_cast<double>(wav.frame_count()) / 8.0, result.duration_ms, 60.0);
  const double reply_start = turn.stopped_ms + *turn.response_latency_ms;
  EXPECT_GT(channel_rms(wav, 0, turn.started_ms + 20, turn.stopped_ms - 20), 1000.0);
  EXPECT_LT(channel_rms(wav, 0, reply_start, reply_start + 380), 10.0);
  EXPECT_GT(channel_rms(wav, 1, reply_start + 20, reply_start + 380), 1000.0);
  EXPECT_LT(channel_rms(wav, 1, 0, reply_start - 20), 10.0);
  EXPECT_NE(result.to_json().find("\"response_latency_ms\""), std::string::npos);
}

TEST_F(SimulatedCallerTest, SendsDtmfThenStop) {
  FakeTwilioAgent agent(FakeAgentOptions{});
  const auto result = call(script("steps: [{dtmf: '4#'}, hang_up]"), direct(agent));
  const auto received = agent.received();
  const auto digits = messages_of<twilio::Dtmf>(received);
  ASSERT_EQ(digits.size(), 2u);
  EXPECT_EQ(digits[0].digit, "4");
  EXPECT_EQ(digits[1].digit, "#");
  EXPECT_EQ(digits[0].track, "inbound_track");
  EXPECT_TRUE(std::holds_alternative<twilio::Stop>(received.back().message));
  ASSERT_EQ(result.transcript.size(), 1u);
  EXPECT_EQ(result.transcript[0].text, "[dtmf 4#]");
}

TEST_F(SimulatedCallerTest, SpeaksScriptLinesWithEspeak) {
  static const auto engine = std::make_shared<providers::EspeakEngine>();
  FakeTwilioAgent agent(FakeAgentOptions{});
  auto options = direct(agent);
  options.speech = engine;
  const auto result = call(script("steps: [{say: 'hello there'}]"), options);
  std::size_t speech_frames = 0;
  for (const auto& media : messages_of<twilio::Media>(agent.received())) {
    if (media.payload != std::vector<std::uint8_t>(160, 0xFF)) ++speech_frames;
  }
  EXPECT_GT(speech_frames, 10u);
  ASSERT_EQ(result.transcript.size(), 1u);
  EXPECT_EQ(result.transcript[0].text, "hello there");
  ASSERT_EQ(result.turns.size(), 1u);
  EXPECT_GT(result.turns[0].stopped_ms - result.turns[0].started_ms, 300.0);
}

TEST_F(SimulatedCallerTest, SpeechWithoutAnEngineIsASetupError) {
  FakeTwilioAgent agent(FakeAgentOptions{});
  SimulatedCaller caller(script("steps: [{say: hi}]"), direct(agent));
  EXPECT_THROW(fakes::run_coroutine(io_, caller.run(), 5s), core::Error);
  EXPECT_FALSE(agent.stream_signature().has_value());
}

TEST_F(SimulatedCallerTest, AgentHangingUpEndsTheCall) {
  FakeAgentOptions agent_options;
  agent_options.hang_up_after_start = true;
  FakeTwilioAgent agent(agent_options);
  const auto result = call(script("steps: [{pause_ms: 8000}, hang_up]"), direct(agent));
  EXPECT_EQ(result.ended_by, "agent");
  EXPECT_EQ(result.steps_completed, 0u);
  EXPECT_LT(result.duration_ms, 4000.0);
}

TEST_F(SimulatedCallerTest, WaitForAgentTimesOutAndTheScriptGoesOn) {
  FakeTwilioAgent agent(FakeAgentOptions{});
  const auto result =
      call(script("steps: [{wait_for_agent: {timeout_ms: 300}}, {dtmf: '1'}]"), direct(agent));
  EXPECT_EQ(result.steps_completed, 2u);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("step 1 (wait_for_agent)"), std::string::npos);
  EXPECT_EQ(messages_of<twilio::Dtmf>(agent.received()).size(), 1u);
}

TEST_F(SimulatedCallerTest, MaxDurationEndsALongScript) {
  FakeTwilioAgent agent(FakeAgentOptions{});
  auto options = direct(agent);
  options.max_duration = 300ms;
  const auto result = call(script("steps: [{pause_ms: 10000}]"), options);
  EXPECT_EQ(result.steps_completed, 0u);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("maximum duration"), std::string::npos);
  EXPECT_LT(result.duration_ms, 2000.0);
}

}  // namespace
}  // namespace patter::sim
