// The OpenAI Realtime client against the fake, through real sockets: the beta and GA handshakes
// and the exact session each asks for, the first message spoken word for word, caller audio held
// until the session is ready, μ-law passed straight through, and GA transcoding.

#include <boost/json.hpp>

#include "audio/mulaw.hpp"
#include "core/base64.hpp"

#include "openai_realtime_test_support.hpp"

namespace patter::providers::testing {
namespace {

namespace json = boost::json;
using fakes::FakeOpenAiRealtime;
using fakes::FakeOpenAiRealtimeOptions;
using std::chrono::milliseconds;

class OpenAiRealtimeHandshakeTest : public RealtimeTest {};

TEST_F(OpenAiRealtimeHandshakeTest, BetaAuthenticatesAndSendsTheExactSessionOnceCreated) {
  FakeOpenAiRealtime fake;
  auto realtime = engine(config_for(fake));
  EXPECT_EQ(realtime->name(), "openai_realtime");
  EXPECT_EQ(realtime->model(), "gpt-realtime-mini");
  EngineRecorder recorder;
  auto config = session_config();
  config.tools.push_back({"end_call", "Ends the call", R"({"type":"object","properties":{}})"});
  auto session = realtime->open(context(), config, recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); })) << ::testing::PrintToString(recorder.order);

  const auto seen = only(fake);
  EXPECT_EQ(seen.authorization, "Bearer sk-test-realtime");
  EXPECT_EQ(seen.beta_header, "realtime=v1");
  EXPECT_EQ(seen.model, "gpt-realtime-mini");
  ASSERT_EQ(seen.client_types.size(), 1U);
  EXPECT_EQ(seen.client_types[0], "session.update");
  // session.created went out before the client spoke.
  ASSERT_FALSE(seen.sent.empty());
  EXPECT_EQ(json::parse(seen.sent[0]).at("type"), "session.created");
  EXPECT_EQ(json::parse(seen.client_messages[0]), json::parse(R"({"type":"session.update","session":{
    "modalities":["text","audio"],"instructions":"You take table bookings.","voice":"verse",
    "input_audio_format":"g711_ulaw","output_audio_format":"g711_ulaw",
    "input_audio_transcription":{"model":"whisper-1","language":"en"},
    "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,
                      "silence_duration_ms":300,"create_response":true,"interrupt_response":true},
    "tools":[{"type":"function","name":"end_call","description":"Ends the call",
              "parameters":{"type":"object","properties":{}}}],
    "tool_choice":"auto","max_response_output_tokens":"inf"}})"));
  EXPECT_TRUE(recorder.errors.empty());
  session->close();
}

TEST_F(OpenAiRealtimeHandshakeTest, GaSendsNoBetaHeaderAndTheGaSessionShape) {
  FakeOpenAiRealtime fake;
  auto realtime = engine(config_for(fake, OpenAiRealtimeApi::ga));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); })) << ::testing::PrintToString(recorder.order);
  const auto seen = only(fake);
  EXPECT_TRUE(seen.ga);
  EXPECT_FALSE(seen.beta_header.has_value());
  EXPECT_EQ(seen.model, "gpt-realtime");
  ASSERT_EQ(seen.client_types.size(), 1U);
  EXPECT_EQ(json::parse(seen.client_messages[0]), json::parse(R"({"type":"session.update","session":{
    "type":"realtime","model":"gpt-realtime","output_modalities":["audio"],
    "instructions":"You take table bookings.",
    "audio":{"input":{"format":{"type":"audio/pcmu"},
                      "transcription":{"model":"whisper-1","language":"en"},
                      "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,
                                        "silence_duration_ms":300,"create_response":true,
                                        "interrupt_response":true}},
             "output":{"format":{"type":"audio/pcmu"},"voice":"verse"}},
    "max_output_tokens":"inf"}})"));
  // The fake accepted the GA shape and echoed it merged.
  const auto echoed = json::parse(seen.session_json);
  EXPECT_EQ(echoed.at("audio").at("output").at("voice"), "verse");
  EXPECT_EQ(echoed.at("type"), "realtime");
  session->close();
}

TEST_F(OpenAiRealtimeHandshakeTest, TheFirstMessageIsSpokenWordForWordNotSentAsTheCaller) {
  FakeOpenAiRealtime fake;
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  const std::string greeting = "Thanks for calling Luigi's, this is Marco. How can I help?";
  auto session = realtime->open(context(), session_config(greeting), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 1; }))
      << ::testing::PrintToString(recorder.order);

  const auto seen = only(fake);
  ASSERT_EQ(seen.client_types.size(), 2U) << ::testing::PrintToString(seen.client_types);
  EXPECT_EQ(seen.client_types[1], "response.create");
  EXPECT_EQ(seen.count_client("conversation.item.create"), 0U);
  ASSERT_EQ(seen.response_instructions.size(), 1U);
  EXPECT_EQ(seen.response_instructions[0], verbatim_instructions(greeting));
  ASSERT_EQ(recorder.agent_finals.size(), 1U);
  EXPECT_EQ(recorder.agent_finals[0], greeting);
  std::string joined;
  for (const auto& delta : recorder.agent_deltas) joined += delta;
  EXPECT_EQ(joined, greeting);
  EXPECT_LT(recorder.index_of("ready"), recorder.index_of("audio"));
  EXPECT_FALSE(recorder.audio.empty());
  session->close();
}

TEST_F(OpenAiRealtimeHandshakeTest, MulawPassesStraightThroughBothWays) {
  FakeOpenAiRealtimeOptions options;
  options.replies = {{"Sure.", milliseconds(500), std::nullopt}};
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  // Pushed before the session is ready: held, then sent in order.
  const auto caller = FakeOpenAiRealtime::speech(milliseconds(400)) +
                      FakeOpenAiRealtime::silence(milliseconds(600));
  push(*session, caller);
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 1; }))
      << ::testing::PrintToString(recorder.order);
  ASSERT_TRUE(fake.wait_for([&](const auto& c) { return c.at(0).audio_received.size() == caller.size(); }));
  const auto seen = only(fake);
  EXPECT_EQ(seen.audio_received, caller);  // byte for byte
  EXPECT_EQ(seen.client_types.front(), "session.update");

  // The agent's audio is the fake's μ-law deltas, byte for byte.
  std::string sent_audio;
  for (const auto& delta : seen.sent_of("response.audio.delta")) {
    const auto bytes = core::decode_base64(std::string(json::parse(delta).at("delta").as_string()));
    ASSERT_TRUE(bytes);
    sent_audio.append(bytes->begin(), bytes->end());
  }
  EXPECT_EQ(sent_audio.size(), 4000U);  // 500 ms at 8 kHz
  EXPECT_EQ(recorder.audio, sent_audio);
  session->close();
}

TEST_F(OpenAiRealtimeHandshakeTest, GaTranscodingDeliversExactCarrierFramesOfTheTone) {
  FakeOpenAiRealtimeOptions options;
  options.replies = {{"Of course, one moment.", milliseconds(1230), std::nullopt}};
  options.audio_chunk = milliseconds(70);  // deltas that do not fall on frame edges
  options.tone_hz = 500.0;
  FakeOpenAiRealtime fake(options);
  auto config = config_for(fake, OpenAiRealtimeApi::ga);
  config.ga_transcode = true;
  auto realtime = engine(config);
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); }));
  const auto caller = FakeOpenAiRealtime::speech(milliseconds(400)) +
                      FakeOpenAiRealtime::silence(milliseconds(700));
  push(*session, caller);
  ASSERT_TRUE(run_until([&] { return recorder.responses_done == 1; }))
      << ::testing::PrintToString(recorder.order);

  const auto seen = only(fake);
  const auto formats = json::parse(seen.client_messages[0]).at("session").at("audio");
  EXPECT_EQ(formats.at("input").at("format"), json::parse(R"({"type":"audio/pcm","rate":24000})"));
  EXPECT_EQ(formats.at("output").at("format"), json::parse(R"({"type":"audio/pcm","rate":24000})"));
  // The fake heard PCM16 24 kHz: three times the samples, two bytes each (less the resampler's
  // delay), and its VAD found the speech in it.
  EXPECT_LE(seen.audio_received.size(), caller.size() * 6);
  EXPECT_GE(seen.audio_received.size(), caller.size() * 6 - 48 * 40);
  EXPECT_EQ(recorder.user_transcripts, std::vector<std::string>{"I would like a table for two"});

  ASSERT_FALSE(recorder.audio_chunks.empty());
  for (const auto size : recorder.audio_chunks) ASSERT_EQ(size, 160U);
  EXPECT_NEAR(static_cast<double>(recorder.audio.size()), 1230.0 * 8, 160.0);
  std::size_t crossings = 0;
  for (std::size_t i = 1; i < recorder.audio.size(); ++i) {
    const auto a = audio::mulaw_decode(static_cast<std::uint8_t>(recorder.audio[i - 1]));
    const auto b = audio::mulaw_decode(static_cast<std::uint8_t>(recorder.audio[i]));
    if ((a < 0) != (b < 0)) ++crossings;
  }
  const double seconds = static_cast<double>(recorder.audio.size()) / 8000.0;
  EXPECT_NEAR(static_cast<double>(crossings) / 2.0 / seconds, 500.0, 15.0);
  EXPECT_EQ(recorder.agent_finals, std::vector<std::string>{"Of course, one moment."});
  session->close();
}

TEST_F(OpenAiRealtimeHandshakeTest, WarmupReachesTheHostOverTlsWithoutOpeningASession) {
  FakeOpenAiRealtimeOptions options;
  options.tls = true;
  FakeOpenAiRealtime fake(options);
  auto realtime = engine(config_for(fake));
  realtime->warmup(context());
  ASSERT_TRUE(run_until([&] { return fake.tcp_connections() == 1; }));
  run_for(milliseconds(200));  // the TLS handshake, then the hang-up
  EXPECT_TRUE(fake.connections().empty());  // no upgrade: no session, nothing billed

  // The session itself runs over the same TLS.
  EngineRecorder recorder;
  auto session = realtime->open(context(), session_config(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.has("ready"); })) << ::testing::PrintToString(recorder.errors);
  EXPECT_EQ(fake.connections().size(), 1U);
  session->close();
}

}  // namespace
}  // namespace patter::providers::testing
