// The OpenAI Realtime messages as pure functions: the exact JSON the client sends (beta v1 and
// GA) and how every server event it uses is read, malformed ones included.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <variant>

#include "core/base64.hpp"
#include "providers/realtime/openai_realtime_messages.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;

EngineSessionConfig booking_session() {
  EngineSessionConfig session;
  session.instructions = "You take table bookings.";
  session.voice = "verse";
  session.language = "en-US";
  session.tools.push_back(
      {"book_table", "Books a table", R"({"type":"object","properties":{"size":{"type":"integer"}}})"});
  session.tools.push_back({"end_call", "Hangs up", ""});
  return session;
}

TEST(OpenAiRealtimeMessages, BetaSessionUpdateIsExact) {
  OpenAiRealtimeConfig config;
  config.temperature = 0.7;
  const auto message = session_update(config, booking_session(), kTelephonyMulaw);
  EXPECT_EQ(json::parse(message), json::parse(R"({"type":"session.update","session":{
    "modalities":["text","audio"],"instructions":"You take table bookings.","voice":"verse",
    "input_audio_format":"g711_ulaw","output_audio_format":"g711_ulaw",
    "input_audio_transcription":{"model":"whisper-1","language":"en"},
    "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,
                      "silence_duration_ms":300,"create_response":true,"interrupt_response":true},
    "tools":[{"type":"function","name":"book_table","description":"Books a table",
              "parameters":{"type":"object","properties":{"size":{"type":"integer"}}}},
             {"type":"function","name":"end_call","description":"Hangs up",
              "parameters":{"type":"object","properties":{}}}],
    "tool_choice":"auto","temperature":0.7,"max_response_output_tokens":"inf"}})"));
}

TEST(OpenAiRealtimeMessages, BetaSemanticVadPcmAndATokenLimit) {
  OpenAiRealtimeConfig config;
  config.turn_detection = OpenAiTurnDetection::semantic_vad;
  config.eagerness = "low";
  config.max_output_tokens = 512;
  config.voice = "ash";  // the engine's voice wins over the call's
  EngineSessionConfig session;
  session.instructions = "Hi";
  session.voice = "verse";
  const auto parsed = json::parse(session_update(config, session, kRealtimePcm)).at("session");
  EXPECT_EQ(parsed.at("turn_detection"), json::parse(R"({"type":"semantic_vad","eagerness":"low",
      "create_response":true,"interrupt_response":true})"));
  EXPECT_EQ(parsed.at("input_audio_format"), "pcm16");
  EXPECT_EQ(parsed.at("output_audio_format"), "pcm16");
  EXPECT_EQ(parsed.at("max_response_output_tokens"), 512);
  EXPECT_EQ(parsed.at("voice"), "ash");
  EXPECT_FALSE(parsed.as_object().contains("tools"));
  EXPECT_FALSE(parsed.as_object().contains("temperature"));
}

TEST(OpenAiRealtimeMessages, GaSessionUpdateIsExact) {
  OpenAiRealtimeConfig config;
  config.api = OpenAiRealtimeApi::ga;
  config.model = "gpt-realtime";
  auto session = booking_session();
  session.tools.pop_back();
  session.voice.clear();  // neither voice set: alloy
  EXPECT_EQ(json::parse(session_update(config, session, kTelephonyMulaw)),
            json::parse(R"({"type":"session.update","session":{
    "type":"realtime","model":"gpt-realtime","output_modalities":["audio"],
    "instructions":"You take table bookings.",
    "audio":{"input":{"format":{"type":"audio/pcmu"},
                      "transcription":{"model":"whisper-1","language":"en"},
                      "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,
                                        "silence_duration_ms":300,"create_response":true,
                                        "interrupt_response":true}},
             "output":{"format":{"type":"audio/pcmu"},"voice":"alloy"}},
    "tools":[{"type":"function","name":"book_table","description":"Books a table",
              "parameters":{"type":"object","properties":{"size":{"type":"integer"}}}}],
    "tool_choice":"auto","max_output_tokens":"inf"}})"));
}

TEST(OpenAiRealtimeMessages, GaPcmFormatCarriesItsRate) {
  OpenAiRealtimeConfig config;
  config.api = OpenAiRealtimeApi::ga;
  const auto parsed = json::parse(session_update(config, {}, kRealtimePcm)).at("session");
  const auto expected = json::parse(R"({"type":"audio/pcm","rate":24000})");
  EXPECT_EQ(parsed.at("audio").at("input").at("format"), expected);
  EXPECT_EQ(parsed.at("audio").at("output").at("format"), expected);
  EXPECT_EQ(parsed.at("audio").at("input").at("transcription"),
            json::parse(R"({"model":"whisper-1","language":"en"})"));
}

TEST(OpenAiRealtimeMessages, ToolParametersThatAreNotAnObjectAreRefusedByName) {
  EngineSessionConfig session;
  session.tools.push_back({"lookup", "", "[1,2]"});
  try {
    (void)session_update({}, session, kTelephonyMulaw);
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("'lookup'"), std::string::npos) << error.what();
  }
}

TEST(OpenAiRealtimeMessages, ClientEventsAreExact) {
  const std::vector<std::uint8_t> audio{0xFF, 0x7F, 0x00};
  EXPECT_EQ(json::parse(input_audio_append(audio)),
            json::parse(R"({"type":"input_audio_buffer.append","audio":"/38A"})"));
  EXPECT_EQ(json::parse(response_create()), json::parse(R"({"type":"response.create"})"));
  EXPECT_EQ(json::parse(verbatim_response_create("Hello, \"Anna\"!")),
            json::parse(R"({"type":"response.create","response":{"instructions":
      "Say exactly the following text, word for word, and nothing else: \"Hello, \"Anna\"!\""}})"));
  EXPECT_EQ(json::parse(user_text_item("[DTMF: 5]")),
            json::parse(R"({"type":"conversation.item.create","item":{"type":"message",
      "role":"user","content":[{"type":"input_text","text":"[DTMF: 5]"}]}})"));
  EXPECT_EQ(json::parse(function_call_output_item("call_7", R"({"ok":true})")),
            json::parse(R"({"type":"conversation.item.create","item":{
      "type":"function_call_output","call_id":"call_7","output":"{\"ok\":true}"}})"));
  EXPECT_EQ(json::parse(response_cancel()), json::parse(R"({"type":"response.cancel"})"));
  EXPECT_EQ(json::parse(item_truncate("item_9", 1280)),
            json::parse(R"({"type":"conversation.item.truncate","item_id":"item_9",
      "content_index":0,"audio_end_ms":1280})"));
}

template <typename T>
T as(const std::string& text) {
  const auto event = parse_realtime_event(text);
  EXPECT_TRUE(std::holds_alternative<T>(event)) << text << " gave variant #" << event.index();
  return std::holds_alternative<T>(event) ? std::get<T>(event) : T{};
}

TEST(OpenAiRealtimeMessages, ReadsAudioDeltasUnderBothNames) {
  for (const auto* type : {"response.audio.delta", "response.output_audio.delta"}) {
    const auto delta = as<RealtimeAudioDelta>(std::string(R"({"type":")") + type +
                                              R"(","event_id":"e1","response_id":"resp_1",
        "item_id":"item_2","output_index":0,"content_index":0,"delta":"/38A"})");
    EXPECT_EQ(delta.response_id, "resp_1");
    EXPECT_EQ(delta.item_id, "item_2");
    EXPECT_EQ(delta.audio, (std::vector<std::uint8_t>{0xFF, 0x7F, 0x00}));
  }
  as<RealtimeAudioDone>(R"({"type":"response.output_audio.done","response_id":"r","item_id":"i"})");
}

TEST(OpenAiRealtimeMessages, ReadsTranscriptsUnderBothNames) {
  EXPECT_EQ(as<RealtimeTranscriptDelta>(
                R"({"type":"response.audio_transcript.delta","response_id":"r","item_id":"i","delta":"Hel"})")
                .delta,
            "Hel");
  EXPECT_EQ(as<RealtimeTranscriptDone>(
                R"({"type":"response.output_audio_transcript.done","response_id":"r","item_id":"i","transcript":"Hello"})")
                .transcript,
            "Hello");
  const auto user = as<RealtimeInputTranscript>(
      R"({"type":"conversation.item.input_audio_transcription.completed","item_id":"item_u",
          "content_index":0,"transcript":"a table for two"})");
  EXPECT_EQ(user.item_id, "item_u");
  EXPECT_EQ(user.transcript, "a table for two");
  EXPECT_EQ(as<RealtimeInputTranscriptFailed>(
                R"({"type":"conversation.item.input_audio_transcription.failed","item_id":"x",
                    "error":{"message":"audio unclear"}})")
                .message,
            "audio unclear");
}

TEST(OpenAiRealtimeMessages, ReadsSpeechEdgesAndTheSessionEvents) {
  EXPECT_EQ(as<RealtimeSpeechStarted>(
                R"({"type":"input_audio_buffer.speech_started","audio_start_ms":1200,"item_id":"u1"})")
                .audio_start_ms,
            1200);
  EXPECT_EQ(as<RealtimeSpeechStopped>(
                R"({"type":"input_audio_buffer.speech_stopped","audio_end_ms":2400,"item_id":"u1"})")
                .audio_end_ms,
            2400);
  as<RealtimeSessionCreated>(R"({"type":"session.created","session":{}})");
  as<RealtimeSessionUpdated>(R"({"type":"session.updated","session":{}})");
  EXPECT_EQ(as<RealtimeResponseCreated>(R"({"type":"response.created","response":{"id":"resp_5"}})")
                .response_id,
            "resp_5");
  EXPECT_EQ(as<RealtimeItemTruncated>(
                R"({"type":"conversation.item.truncated","item_id":"i","content_index":0,"audio_end_ms":640})")
                .audio_end_ms,
            640);
  EXPECT_EQ(as<RealtimeOther>(R"({"type":"rate_limits.updated","rate_limits":[]})").type,
            "rate_limits.updated");
}

TEST(OpenAiRealtimeMessages, ReadsFunctionCalls) {
  const auto done = as<RealtimeFunctionCallDone>(
      R"({"type":"response.function_call_arguments.done","response_id":"r","item_id":"i",
          "output_index":0,"call_id":"call_1","name":"book_table","arguments":"{\"size\":2}"})");
  EXPECT_EQ(done.call_id, "call_1");
  EXPECT_EQ(done.name, "book_table");
  EXPECT_EQ(done.arguments, R"({"size":2})");
  const auto added = as<RealtimeOutputItem>(
      R"({"type":"response.output_item.added","response_id":"r","output_index":0,
          "item":{"id":"i","type":"function_call","call_id":"call_1","name":"book_table","arguments":""}})");
  EXPECT_FALSE(added.done);
  EXPECT_EQ(added.item_type, "function_call");
  EXPECT_EQ(added.name, "book_table");
  const auto item_done = as<RealtimeOutputItem>(
      R"({"type":"response.output_item.done","response_id":"r","output_index":0,
          "item":{"id":"i","type":"function_call","call_id":"call_1","name":"book_table","arguments":"{}"}})");
  EXPECT_TRUE(item_done.done);
  EXPECT_EQ(item_done.arguments, "{}");
}

TEST(OpenAiRealtimeMessages, ReadsResponseDoneWithUsage) {
  const auto done = as<RealtimeResponseDone>(R"({"type":"response.done","response":{"id":"resp_1",
      "status":"cancelled","status_details":{"type":"cancelled","reason":"turn_detected"},
      "usage":{"total_tokens":300,"input_tokens":200,"output_tokens":100,
        "input_token_details":{"cached_tokens":64,"text_tokens":150,"audio_tokens":50,
          "cached_tokens_details":{"text_tokens":48,"audio_tokens":16}},
        "output_token_details":{"text_tokens":20,"audio_tokens":80}}}})");
  EXPECT_EQ(done.response_id, "resp_1");
  EXPECT_EQ(done.status, "cancelled");
  EXPECT_EQ(done.reason, "turn_detected");
  ASSERT_TRUE(done.usage);
  EXPECT_EQ(done.usage->input_text_tokens, 150U);
  EXPECT_EQ(done.usage->input_audio_tokens, 50U);
  EXPECT_EQ(done.usage->output_text_tokens, 20U);
  EXPECT_EQ(done.usage->output_audio_tokens, 80U);
  EXPECT_EQ(done.usage->cached_text_tokens, 48U);
  EXPECT_EQ(done.usage->cached_audio_tokens, 16U);

  // Beta usage has only the cached total: it counts as text.
  const auto beta = as<RealtimeResponseDone>(R"({"type":"response.done","response":{"id":"r",
      "status":"completed","usage":{"input_token_details":{"cached_tokens":32,"text_tokens":10}}}})");
  ASSERT_TRUE(beta.usage);
  EXPECT_EQ(beta.usage->cached_text_tokens, 32U);
  EXPECT_EQ(beta.usage->cached_audio_tokens, 0U);
  EXPECT_FALSE(as<RealtimeResponseDone>(R"({"type":"response.done","response":{"id":"r"}})").usage);

  const auto failed = as<RealtimeResponseDone>(R"({"type":"response.done","response":{"id":"r",
      "status":"failed","status_details":{"type":"failed","error":{"message":"server overloaded"}}}})");
  EXPECT_EQ(failed.reason, "server overloaded");
}

TEST(OpenAiRealtimeMessages, ReadsErrors) {
  const auto error = as<RealtimeServerError>(R"({"type":"error","event_id":"e","error":{
      "type":"invalid_request_error","code":"conversation_already_has_active_response",
      "message":"Conversation already has an active response","param":null,"event_id":null}})");
  EXPECT_EQ(error.type, "invalid_request_error");
  EXPECT_EQ(error.code, "conversation_already_has_active_response");
  EXPECT_EQ(error.message, "Conversation already has an active response");
}

TEST(OpenAiRealtimeMessages, MalformedEventsAreReportedNotThrown) {
  for (const auto* text :
       {R"({"type":"response.audio.delta","delta":)", "[1,2]", R"({"event_id":"e"})",
        R"({"type":7})", R"({"type":"response.audio.delta","delta":"not base64!"})",
        R"({"type":"response.audio.delta"})", R"({"type":"response.created","response":"x"})",
        R"({"type":"response.done"})", R"({"type":"error","error":[]})",
        R"({"type":"input_audio_buffer.speech_started","audio_start_ms":"soon"})",
        R"({"type":"response.function_call_arguments.done","arguments":"{}"})"}) {
    const auto event = parse_realtime_event(text);
    ASSERT_TRUE(std::holds_alternative<RealtimeMalformed>(event)) << text;
    EXPECT_FALSE(std::get<RealtimeMalformed>(event).detail.empty());
  }
}

}  // namespace
}  // namespace patter::providers
