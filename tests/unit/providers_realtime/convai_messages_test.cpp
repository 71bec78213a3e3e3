// ElevenLabs ConvAI as pure functions: client messages, parsing the server's, config checks,
// audio formats and the audio bridge.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <variant>

#include "core/error.hpp"
#include "providers/realtime/convai_audio.hpp"
#include "providers/realtime/convai_failure.hpp"
#include "providers/realtime/convai_messages.hpp"
#include "providers/realtime/elevenlabs_convai_config.hpp"

namespace patter::providers {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

template <typename T>
T parsed_as(std::string_view text) {
  const auto message = parse_convai_message(text);
  if (!std::holds_alternative<T>(message)) {
    ADD_FAILURE() << "parsed as alternative " << message.index() << ": " << text;
    return T{};
  }
  return std::get<T>(message);
}

TEST(ConvAiMessagesTest, TheInitiationLeavesOutWhatIsNotOverridden) {
  EXPECT_EQ(initiation_message({}),
            R"({"type":"conversation_initiation_client_data","conversation_config_override":{}})");
  ConvAiInitiation initiation;
  initiation.language = "it";
  initiation.dynamic_variables = {{"caller", "+15550001"}, {"account", "42"}};
  EXPECT_EQ(
      initiation_message(initiation),
      R"({"type":"conversation_initiation_client_data","conversation_config_override":)"
      R"({"agent":{"language":"it"}},"dynamic_variables":{"account":"42","caller":"+15550001"}})");
}

TEST(ConvAiMessagesTest, ClientMessages) {
  const std::vector<std::uint8_t> audio{0xFF, 0x7F, 0x00};
  EXPECT_EQ(user_audio_chunk_message(audio), R"({"user_audio_chunk":"/38A"})");
  EXPECT_EQ(pong_message(42), R"({"type":"pong","event_id":42})");
  EXPECT_EQ(
      tool_result_message("tc_1", R"({"ok":true})"),
      R"({"type":"client_tool_result","tool_call_id":"tc_1","result":"{\"ok\":true}","is_error":false})");
  EXPECT_EQ(user_text_message("1 2 3"), R"({"type":"user_message","text":"1 2 3"})");
  EXPECT_EQ(user_activity_message(), R"({"type":"user_activity"})");
}

TEST(ConvAiMessagesTest, ServerMessages) {
  const auto metadata = parsed_as<ConvAiMetadata>(
      R"({"type":"conversation_initiation_metadata","conversation_initiation_metadata_event":)"
      R"({"conversation_id":"conv_1","agent_output_audio_format":"pcm_16000","user_input_audio_format":"ulaw_8000"}})");
  EXPECT_EQ(metadata.conversation_id, "conv_1");
  EXPECT_EQ(metadata.output_format, "pcm_16000");
  EXPECT_EQ(metadata.input_format, "ulaw_8000");

  const auto audio = parsed_as<ConvAiAudio>(
      R"({"type":"audio","audio_event":{"audio_base_64":"/38A","event_id":7,"alignment":null}})");
  EXPECT_EQ(audio.event_id, 7);
  EXPECT_EQ(audio.audio, (std::vector<std::uint8_t>{0xFF, 0x7F, 0x00}));
  EXPECT_EQ(parsed_as<ConvAiAudio>(
                R"({"type":"audio","audio_event":{"audio_base_64":"","event_id":"12"}})")
                .event_id,
            12);

  EXPECT_EQ(parsed_as<ConvAiAgentResponse>(
                R"({"type":"agent_response","agent_response_event":{"agent_response":"Hi!"}})")
                .text,
            "Hi!");
  const auto correction = parsed_as<ConvAiAgentCorrection>(
      R"({"type":"agent_response_correction","agent_response_correction_event":)"
      R"({"original_agent_response":"Hello there friend","corrected_agent_response":"Hello"}})");
  EXPECT_EQ(correction.original, "Hello there friend");
  EXPECT_EQ(correction.corrected, "Hello");
  EXPECT_EQ(
      parsed_as<ConvAiAgentDelta>(
          R"({"type":"agent_chat_response_part","text_response_part":{"text":"Hel","type":"delta"}})")
          .text,
      "Hel");
  EXPECT_EQ(
      parsed_as<ConvAiIgnored>(
          R"({"type":"agent_chat_response_part","text_response_part":{"text":"","type":"start"}})")
          .type,
      "agent_chat_response_part");
  EXPECT_EQ(
      parsed_as<ConvAiUserTranscript>(
          R"({"type":"user_transcript","user_transcription_event":{"user_transcript":"yes"}})")
          .text,
      "yes");
  EXPECT_EQ(parsed_as<ConvAiInterruption>(
                R"({"type":"interruption","interruption_event":{"event_id":9}})")
                .event_id,
            9);
  const auto ping =
      parsed_as<ConvAiPing>(R"({"type":"ping","ping_event":{"event_id":3,"ping_ms":null}})");
  EXPECT_EQ(ping.event_id, 3);
  EXPECT_FALSE(ping.ping_ms.has_value());
  EXPECT_EQ(
      parsed_as<ConvAiPing>(R"({"type":"ping","ping_event":{"event_id":4,"ping_ms":25}})").ping_ms,
      25);
  const auto call = parsed_as<ConvAiToolCall>(
      R"({"type":"client_tool_call","client_tool_call":)"
      R"({"tool_name":"transfer_call","tool_call_id":"tc_9","parameters":{"to":"+15550002"}}})");
  EXPECT_EQ(call.name, "transfer_call");
  EXPECT_EQ(call.call_id, "tc_9");
  EXPECT_EQ(call.parameters_json, R"({"to":"+15550002"})");
  EXPECT_EQ(
      parsed_as<ConvAiToolCall>(
          R"({"type":"client_tool_call","client_tool_call":{"tool_name":"end_call","tool_call_id":"tc_2"}})")
          .parameters_json,
      "{}");
  EXPECT_EQ(
      parsed_as<ConvAiServerError>(R"({"type":"error","error_event":{"message":"quota"}})").message,
      "quota");
  EXPECT_EQ(
      parsed_as<ConvAiIgnored>(R"({"type":"vad_score","vad_score_event":{"vad_score":0.4}})").type,
      "vad_score");
}

TEST(ConvAiMessagesTest, MalformedMessagesSayWhatIsWrong) {
  EXPECT_EQ(parsed_as<ConvAiMalformed>("not json").detail, "not JSON");
  EXPECT_EQ(parsed_as<ConvAiMalformed>("[1,2]").detail, "not a JSON object");
  EXPECT_EQ(parsed_as<ConvAiMalformed>(R"({"audio_event":{}})").detail, "no type");
  EXPECT_THAT(parsed_as<ConvAiMalformed>(R"({"type":"audio","audio_event":{"event_id":1}})").detail,
              HasSubstr("audio_base_64"));
  EXPECT_THAT(parsed_as<ConvAiMalformed>(
                  R"({"type":"audio","audio_event":{"audio_base_64":"!!","event_id":1}})")
                  .detail,
              HasSubstr("not base64"));
  EXPECT_THAT(parsed_as<ConvAiMalformed>(
                  R"({"type":"audio","audio_event":{"audio_base_64":"","event_id":"x"}})")
                  .detail,
              HasSubstr("event_id"));
  EXPECT_THAT(parsed_as<ConvAiMalformed>(R"({"type":"interruption"})").detail,
              HasSubstr("interruption_event"));
  EXPECT_THAT(parsed_as<ConvAiMalformed>(R"({"type":"ping","ping_event":{}})").detail,
              HasSubstr("event_id"));
  EXPECT_THAT(
      parsed_as<ConvAiMalformed>(
          R"({"type":"client_tool_call","client_tool_call":{"tool_name":"x","tool_call_id":"t","parameters":[1]}})")
          .detail,
      HasSubstr("parameters"));
  EXPECT_THAT(
      parsed_as<ConvAiMalformed>(
          R"({"type":"conversation_initiation_metadata","conversation_initiation_metadata_event":{}})")
          .detail,
      HasSubstr("agent_output_audio_format"));
}

TEST(ConvAiConfigTest, FormatsAndUrls) {
  EXPECT_EQ(convai_audio_format("ulaw_8000"), kTelephonyMulaw);
  EXPECT_EQ(convai_audio_format("pcm_16000"), kPcm16k);
  EXPECT_FALSE(convai_audio_format("mp3_44100").has_value());
  EXPECT_EQ(convai_format_name(kTelephonyMulaw), "ulaw_8000");
  EXPECT_EQ(convai_format_name(AudioFormat{Encoding::pcm16_le, 24000}), "pcm_24000");
  EXPECT_EQ(convai_format_name(kTelephonyAlaw), "pcm_16000");

  ElevenLabsConvAiConfig config;
  config.agent_id = "agent_1";
  EXPECT_EQ(conversation_url(config), "wss://api.elevenlabs.io/v1/convai/conversation");
  EXPECT_EQ(signed_url_request_url(config),
            "https://api.elevenlabs.io/v1/convai/conversation/get-signed-url?agent_id=agent_1");
  config.base_url = "http://127.0.0.1:9000/";
  EXPECT_EQ(conversation_url(config), "ws://127.0.0.1:9000/v1/convai/conversation");
}

TEST(ConvAiConfigTest, ValidationNamesTheProblem) {
  ElevenLabsConvAiConfig config;
  config.agent_id = "agent_1";
  try {
    validate(config);
    FAIL() << "no exception";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::missing_credential);
    EXPECT_THAT(error.what(), HasSubstr("ELEVENLABS_API_KEY"));
  }
  config.api_key = "sk_0123456789";
  config.agent_id.clear();
  EXPECT_THROW(validate(config), core::Error);
  config.agent_id = "agent_1";
  validate(config);
  config.base_url = "ftp://example.com";
  EXPECT_THROW(validate(config), core::Error);
  config.base_url = "https://api.elevenlabs.io";
  config.response_done_after = milliseconds(0);
  EXPECT_THROW(validate(config), core::Error);
}

TEST(ConvAiFailureTest, MessagesNameWhatToCheck) {
  ElevenLabsConvAiConfig config;
  config.agent_id = "agent_1";
  const auto refused = refused_failure(
      config, false, 403, R"({"detail":{"status":"invalid_api_key","message":"Invalid API key"}})");
  EXPECT_THAT(refused, HasSubstr("HTTP 403: Invalid API key (invalid_api_key)"));
  EXPECT_THAT(refused, HasSubstr("ELEVENLABS_API_KEY"));
  EXPECT_THAT(refused_failure(config, true, 429, ""), HasSubstr("concurrent"));
  EXPECT_THAT(closed_failure(1006, ""), HasSubstr("connection lost"));
  EXPECT_THAT(closed_failure(1000, ""), HasSubstr("the server closed it (1000)"));
  EXPECT_THAT(closed_failure(1008, "Override for field 'agent.language' is not allowed"),
              HasSubstr("security settings"));
}

TEST(ConvAiAudioTest, CarrierAudioIsGatheredIntoChunks) {
  ConvAiAudioIn in(kTelephonyMulaw, kTelephonyMulaw, milliseconds(60));
  const std::vector<std::uint8_t> frame(160, 0x11);
  EXPECT_TRUE(in.push(frame).empty());
  EXPECT_TRUE(in.push(frame).empty());
  const auto chunks = in.push(frame);
  ASSERT_EQ(chunks.size(), 1U);
  EXPECT_EQ(chunks.at(0).size(), 480U);
  EXPECT_FALSE(in.has_partial());
  (void)in.push(std::vector<std::uint8_t>(100, 0x22));
  EXPECT_TRUE(in.has_partial());
  EXPECT_EQ(in.take_partial().size(), 100U);
  EXPECT_FALSE(in.has_partial());
}

TEST(ConvAiAudioTest, MatchingAgentAudioPassesThroughAndPcmBecomesWholeFrames) {
  std::vector<std::size_t> sizes;
  ConvAiAudioOut same(kTelephonyMulaw, kTelephonyMulaw,
                      [&](std::span<const std::uint8_t> audio) { sizes.push_back(audio.size()); });
  EXPECT_TRUE(same.passes_through());
  same.push(std::vector<std::uint8_t>(333, 0x55));
  same.finish();
  EXPECT_EQ(sizes, std::vector<std::size_t>{333});

  sizes.clear();
  ConvAiAudioOut pcm(kPcm16k, kTelephonyMulaw,
                     [&](std::span<const std::uint8_t> audio) { sizes.push_back(audio.size()); });
  EXPECT_FALSE(pcm.passes_through());
  pcm.push(std::vector<std::uint8_t>(3200, 0));  // 100 ms
  pcm.push(std::vector<std::uint8_t>(641, 0));   // 20 ms and an odd byte
  pcm.finish();
  ASSERT_FALSE(sizes.empty());
  for (const auto size : sizes) EXPECT_EQ(size, 160U);
  EXPECT_GE(sizes.size(), 6U);
  EXPECT_LE(sizes.size(), 7U);

  // An interruption drops the part of a frame already converted: 10 ms more make no frame.
  sizes.clear();
  pcm.push(std::vector<std::uint8_t>(1000, 0));
  const auto before_reset = sizes.size();
  pcm.reset();
  pcm.push(std::vector<std::uint8_t>(320, 0));
  EXPECT_EQ(sizes.size(), before_reset);
}

}  // namespace
}  // namespace patter::providers
