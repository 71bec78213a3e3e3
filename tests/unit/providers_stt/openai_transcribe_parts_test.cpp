// The OpenAI speech-to-text pieces as pure functions: config checks and URLs, the session
// update and the events, failure classification, the utterance gate, the multipart request and
// the public factory.

#include <patter/stt.hpp>

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "audio/mulaw.hpp"
#include "audio/wav.hpp"
#include "core/error.hpp"
#include "providers/stt/openai_transcribe_failure.hpp"
#include "providers/stt/openai_transcribe_messages.hpp"
#include "providers/stt/openai_transcribe_stt.hpp"
#include "providers/stt/openai_transcription_request.hpp"
#include "providers/stt/openai_utterance_gate.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

OpenAiTranscribeConfig valid_config() {
  OpenAiTranscribeConfig config;
  config.api_key = "sk-parts";
  return config;
}

std::string config_error(const OpenAiTranscribeConfig& config) {
  try {
    validate(config);
  } catch (const core::Error& error) {
    return error.what();
  }
  return {};
}

TEST(OpenAiTranscribeConfig, DefaultsAreValidAndNameTheProvider) {
  EXPECT_EQ(config_error(valid_config()), "");
  EXPECT_EQ(openai_transcribe_name("gpt-4o-transcribe"), "openai_transcribe");
  EXPECT_EQ(openai_transcribe_name("gpt-4o-mini-transcribe"), "openai_transcribe");
  EXPECT_EQ(openai_transcribe_name("whisper-1"), "whisper");
}

TEST(OpenAiTranscribeConfig, EachProblemIsNamed) {
  OpenAiTranscribeConfig config;
  try {
    validate(config);
    FAIL() << "no error without a key";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::missing_credential);
    EXPECT_TRUE(contains(error.what(), "OPENAI_API_KEY")) << error.what();
  }
  auto bad = valid_config();
  bad.base_url = "ftp://api.openai.com/v1";
  EXPECT_TRUE(contains(config_error(bad), "base_url")) << config_error(bad);
  bad = valid_config();
  bad.model.clear();
  EXPECT_TRUE(contains(config_error(bad), "model is required"));
  bad = valid_config();
  bad.input_format = kPcm16k;  // the Realtime API takes PCM16 at 24 kHz only
  EXPECT_TRUE(contains(config_error(bad), "Realtime transport takes")) << config_error(bad);
  bad.transport = OpenAiTranscribeTransport::rest;  // REST converts it to a WAV: fine
  EXPECT_EQ(config_error(bad), "");
  bad = valid_config();
  bad.server_vad.threshold = 1.5;
  EXPECT_TRUE(contains(config_error(bad), "threshold"));
  bad = valid_config();
  bad.noise_reduction = "studio";
  EXPECT_TRUE(contains(config_error(bad), "noise_reduction"));
  bad = valid_config();
  bad.gate.min_silence_ms = 0;
  EXPECT_TRUE(contains(config_error(bad), "gate"));
  bad = valid_config();
  bad.max_attempts = 0;
  EXPECT_TRUE(contains(config_error(bad), "max_attempts"));
}

TEST(OpenAiTranscribeConfig, UrlsFollowTheBase) {
  auto config = valid_config();
  EXPECT_EQ(transcription_socket_url(config), "wss://api.openai.com/v1/realtime");
  EXPECT_EQ(transcription_socket_query(), (net::QueryParams{{"intent", "transcription"}}));
  EXPECT_EQ(transcriptions_url(config), "https://api.openai.com/v1/audio/transcriptions");
  config.base_url = "http://127.0.0.1:9000/v1/";
  EXPECT_EQ(transcription_socket_url(config), "ws://127.0.0.1:9000/v1/realtime");
  config.base_url = "wss://proxy.example.com/openai/v1";
  EXPECT_EQ(transcriptions_url(config), "https://proxy.example.com/openai/v1/audio/transcriptions");
}

TEST(OpenAiTranscribeConfig, TheLanguageIsTheIsoCode) {
  auto config = valid_config();
  EXPECT_EQ(transcription_language(config, "en-US"), "en");
  EXPECT_EQ(transcription_language(config, "pt_BR"), "pt");
  EXPECT_EQ(transcription_language(config, ""), "");
  config.language = "it";
  EXPECT_EQ(transcription_language(config, "en-US"), "it");
}

TEST(OpenAiTranscribeMessages, TheSessionUpdate) {
  auto config = valid_config();
  config.input_format = {Encoding::pcm16_le, 24000};
  config.prompt = "Patter";
  const auto message = json::parse(transcription_session_update(config, "")).as_object();
  EXPECT_EQ(message.at("type"), "transcription_session.update");
  const auto& session = message.at("session").as_object();
  EXPECT_EQ(session.at("input_audio_format"), "pcm16");
  EXPECT_FALSE(session.at("input_audio_transcription").as_object().contains("language"));
  EXPECT_EQ(session.at("input_audio_transcription").at("prompt"), "Patter");
  EXPECT_FALSE(session.contains("input_audio_noise_reduction"));
}

TEST(OpenAiTranscribeMessages, AppendCarriesBase64AndCommitIsBare) {
  const std::vector<std::uint8_t> bytes{0xFF, 0x01, 0x02};
  const auto append = json::parse(audio_buffer_append(bytes)).as_object();
  EXPECT_EQ(append.at("type"), "input_audio_buffer.append");
  EXPECT_EQ(append.at("audio"), "/wEC");
  EXPECT_EQ(json::parse(audio_buffer_commit()).at("type"), "input_audio_buffer.commit");
}

TEST(OpenAiTranscribeMessages, ServerEventsAreRead) {
  auto event = parse_transcription_event(
      R"({"type":"input_audio_buffer.speech_started","event_id":"e1","audio_start_ms":120,"item_id":"item_1"})");
  ASSERT_TRUE(std::holds_alternative<TranscriptionSpeechStarted>(event));
  EXPECT_EQ(std::get<TranscriptionSpeechStarted>(event).item_id, "item_1");
  EXPECT_DOUBLE_EQ(std::get<TranscriptionSpeechStarted>(event).audio_start_ms, 120.0);
  event = parse_transcription_event(
      R"({"type":"input_audio_buffer.speech_stopped","audio_end_ms":900,"item_id":"item_1"})");
  EXPECT_DOUBLE_EQ(std::get<TranscriptionSpeechStopped>(event).audio_end_ms, 900.0);
  event = parse_transcription_event(
      R"({"type":"input_audio_buffer.committed","previous_item_id":null,"item_id":"item_1"})");
  EXPECT_EQ(std::get<TranscriptionCommitted>(event).item_id, "item_1");
  event = parse_transcription_event(
      R"({"type":"conversation.item.input_audio_transcription.delta","item_id":"item_1","content_index":0,"delta":" there"})");
  EXPECT_EQ(std::get<TranscriptionDelta>(event).delta, " there");
  event = parse_transcription_event(
      R"({"type":"conversation.item.input_audio_transcription.completed","item_id":"item_1","content_index":0,"transcript":"Hello there."})");
  EXPECT_EQ(std::get<TranscriptionCompleted>(event).transcript, "Hello there.");
  event = parse_transcription_event(
      R"({"type":"conversation.item.input_audio_transcription.failed","item_id":"item_2","error":{"message":"audio unclear"}})");
  EXPECT_EQ(std::get<TranscriptionItemFailed>(event).message, "audio unclear");
  event = parse_transcription_event(
      R"({"type":"error","error":{"type":"invalid_request_error","code":"input_audio_buffer_commit_empty","message":"buffer too small"}})");
  EXPECT_EQ(std::get<TranscriptionServerError>(event).code, "input_audio_buffer_commit_empty");
  EXPECT_TRUE(std::holds_alternative<TranscriptionSessionReady>(
      parse_transcription_event(R"({"type":"transcription_session.updated","session":{}})")));
  EXPECT_EQ(std::get<TranscriptionOther>(
                parse_transcription_event(R"({"type":"input_audio_buffer.cleared"})"))
                .type,
            "input_audio_buffer.cleared");
}

TEST(OpenAiTranscribeMessages, MalformedEventsSayWhatIsMissing) {
  EXPECT_TRUE(
      contains(std::get<TranscriptionMalformed>(parse_transcription_event("{\"type\":")).detail,
               "not a JSON object"));
  EXPECT_TRUE(contains(
      std::get<TranscriptionMalformed>(parse_transcription_event(R"({"item_id":"x"})")).detail,
      "without a type"));
  EXPECT_TRUE(contains(
      std::get<TranscriptionMalformed>(
          parse_transcription_event(
              R"({"type":"conversation.item.input_audio_transcription.completed","item_id":"i"})"))
          .detail,
      "transcript"));
  EXPECT_TRUE(std::holds_alternative<TranscriptionMalformed>(parse_transcription_event(
      R"({"type":"input_audio_buffer.speech_stopped","item_id":"i","audio_end_ms":"late"})")));
}

TEST(OpenAiTranscribeFailure, StatusesAreClassified) {
  const auto now = std::chrono::system_clock::now();
  const auto auth = transcribe_failure_from_status(
      401, {}, R"({"error":{"message":"Incorrect API key provided","code":"invalid_api_key"}})",
      now);
  EXPECT_EQ(auth.code, core::Errc::upstream_auth);
  EXPECT_FALSE(auth.retryable);
  EXPECT_TRUE(contains(auth.message, "Incorrect API key provided (invalid_api_key)"));
  EXPECT_TRUE(contains(auth.message, "OPENAI_API_KEY"));
  const auto limited = transcribe_failure_from_status(429, {{"Retry-After", "3"}}, "", now);
  EXPECT_TRUE(limited.retryable);
  EXPECT_EQ(limited.retry_after, milliseconds(3000));
  EXPECT_TRUE(transcribe_failure_from_status(502, {}, "<html>", now).retryable);
  EXPECT_FALSE(transcribe_failure_from_status(400, {}, "{}", now).retryable);
  EXPECT_FALSE(transcribe_failure_from_close(1008, "policy").retryable);
  EXPECT_TRUE(transcribe_failure_from_close(1011, "").retryable);
  EXPECT_TRUE(transcribe_server_error("server_error", "", "oops").retryable);
  EXPECT_FALSE(transcribe_server_error("invalid_request_error", "invalid_value", "no").retryable);
  EXPECT_TRUE(contains(transcribe_malformed("{").message, "openai_transcribe: malformed"));
}

// ---- the utterance gate ----

std::vector<std::int16_t> tone(milliseconds length, std::int16_t level = 8000) {
  std::vector<std::int16_t> samples(static_cast<std::size_t>(length.count() * 8));
  for (std::size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<std::int16_t>(i % 2 == 0 ? level : -level);
  }
  return samples;
}

std::vector<std::int16_t> quiet(milliseconds length) {
  return std::vector<std::int16_t>(static_cast<std::size_t>(length.count() * 8), 0);
}

GateOutput push_all(UtteranceGate& gate, const std::vector<std::int16_t>& samples,
                    std::size_t frame = 160) {
  GateOutput all;
  for (std::size_t at = 0; at < samples.size(); at += frame) {
    const auto count = std::min(frame, samples.size() - at);
    auto out = gate.push(std::span(samples).subspan(at, count));
    all.speech_started = all.speech_started || out.speech_started;
    all.speech_ended = all.speech_ended || out.speech_ended;
    for (auto& utterance : out.utterances) all.utterances.push_back(std::move(utterance));
  }
  return all;
}

TEST(UtteranceGate, SilenceGivesNothing) {
  UtteranceGate gate(UtteranceGateConfig{}, 8000);
  const auto out = push_all(gate, quiet(milliseconds(5000)));
  EXPECT_FALSE(out.speech_started);
  EXPECT_TRUE(out.utterances.empty());
  EXPECT_FALSE(gate.cut());
}

TEST(UtteranceGate, ABriefClickIsNotSpeech) {
  UtteranceGate gate(UtteranceGateConfig{}, 8000);
  auto audio = quiet(milliseconds(500));
  const auto click = tone(milliseconds(40));
  audio.insert(audio.end(), click.begin(), click.end());
  const auto rest = quiet(milliseconds(1000));
  audio.insert(audio.end(), rest.begin(), rest.end());
  const auto out = push_all(gate, audio);
  EXPECT_FALSE(out.speech_started);
  EXPECT_TRUE(out.utterances.empty());
}

TEST(UtteranceGate, SpeechComesOutWithItsPaddingOnceSilenceEndsIt) {
  UtteranceGate gate(UtteranceGateConfig{}, 8000);
  auto audio = quiet(milliseconds(1000));
  const auto speech = tone(milliseconds(800));
  audio.insert(audio.end(), speech.begin(), speech.end());
  const auto after = quiet(milliseconds(1000));
  audio.insert(audio.end(), after.begin(), after.end());
  const auto out = push_all(gate, audio);
  EXPECT_TRUE(out.speech_started);
  EXPECT_TRUE(out.speech_ended);
  ASSERT_EQ(out.utterances.size(), 1U);
  const auto& utterance = out.utterances[0];
  EXPECT_TRUE(utterance.ended_by_silence);
  // 300 ms before the speech (the detector works in 32 ms windows) and 300 ms after it.
  EXPECT_NEAR(utterance.start_ms, 700.0, 33.0);
  const double length_ms = static_cast<double>(utterance.samples.size()) / 8.0;
  EXPECT_NEAR(length_ms, 300.0 + 800.0 + 300.0, 70.0);
}

TEST(UtteranceGate, CutHandsOverTheSpeechSoFar) {
  UtteranceGate gate(UtteranceGateConfig{}, 8000);
  auto audio = quiet(milliseconds(200));
  const auto speech = tone(milliseconds(500));
  audio.insert(audio.end(), speech.begin(), speech.end());
  const auto out = push_all(gate, audio);
  EXPECT_TRUE(out.speech_started);
  EXPECT_TRUE(out.utterances.empty());
  const auto cut = gate.cut();
  ASSERT_TRUE(cut);
  EXPECT_FALSE(cut->ended_by_silence);
  EXPECT_NEAR(static_cast<double>(cut->samples.size()) / 8.0, 700.0, 1.0);  // all of it
  EXPECT_FALSE(gate.in_speech());
  EXPECT_FALSE(gate.cut());
}

TEST(UtteranceGate, LongSpeechComesInParts) {
  UtteranceGateConfig config;
  config.max_utterance = std::chrono::seconds(1);
  UtteranceGate gate(config, 8000);
  // The last part holds the end of the speech, so the silence ends it.
  auto audio = tone(milliseconds(2300));
  const auto after = quiet(milliseconds(1000));
  audio.insert(audio.end(), after.begin(), after.end());
  const auto out = push_all(gate, audio);
  ASSERT_EQ(out.utterances.size(), 3U);
  EXPECT_FALSE(out.utterances[0].ended_by_silence);
  EXPECT_FALSE(out.utterances[1].ended_by_silence);
  EXPECT_TRUE(out.utterances[2].ended_by_silence);
  std::size_t total = 0;
  for (const auto& part : out.utterances) {
    EXPECT_LE(part.samples.size(), 8000U);
    total += part.samples.size();
  }
  EXPECT_NEAR(static_cast<double>(total) / 8.0, 2300.0 + 300.0, 70.0);
}

// ---- the REST request ----

TEST(OpenAiTranscriptionRequest, AMultipartFormWithAPcmWav) {
  auto config = valid_config();
  config.model = "whisper-1";
  config.prompt = "Trattoria";
  const auto samples = tone(milliseconds(250));
  const auto request = transcription_request(config, "en", samples, 8000, "BOUNDARY42");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://api.openai.com/v1/audio/transcriptions");
  EXPECT_EQ(net::find_header(request.headers, "Authorization"), "Bearer sk-parts");
  EXPECT_EQ(net::find_header(request.headers, "Content-Type"),
            "multipart/form-data; boundary=BOUNDARY42");
  const auto& body = request.body;
  EXPECT_TRUE(
      body.starts_with("--BOUNDARY42\r\nContent-Disposition: form-data; name=\"model\""
                       "\r\n\r\nwhisper-1\r\n"));
  EXPECT_TRUE(contains(body, "name=\"language\"\r\n\r\nen\r\n"));
  EXPECT_TRUE(contains(body, "name=\"prompt\"\r\n\r\nTrattoria\r\n"));
  EXPECT_TRUE(contains(body, "name=\"response_format\"\r\n\r\njson\r\n"));
  EXPECT_TRUE(body.ends_with("\r\n--BOUNDARY42--\r\n"));
  const std::string file_header =
      "name=\"file\"; filename=\"utterance.wav\"\r\nContent-Type: audio/wav\r\n\r\n";
  const auto file_at = body.find(file_header);
  ASSERT_NE(file_at, std::string::npos);
  const auto wav_begin = file_at + file_header.size();
  const auto wav_end = body.rfind("\r\n--BOUNDARY42--");
  const std::string_view wav(body.data() + wav_begin, wav_end - wav_begin);
  const auto parsed =
      audio::parse_wav({reinterpret_cast<const std::uint8_t*>(wav.data()), wav.size()});
  EXPECT_EQ(parsed.encoding, Encoding::pcm16_le);
  EXPECT_EQ(parsed.sample_rate, 8000);
  EXPECT_EQ(parsed.channels, 1);
  EXPECT_EQ(parsed.samples(), samples);
}

TEST(OpenAiTranscriptionRequest, TheAnswersText) {
  EXPECT_EQ(transcription_text(R"({"text":"Hello there."})"), "Hello there.");
  EXPECT_FALSE(transcription_text("Hello there."));
  EXPECT_FALSE(transcription_text(R"({"task":"transcribe"})"));
}

TEST(OpenAiTranscriptionRequest, MulawWordsSurviveTheWavRoundTrip) {
  // The fake hears words by their μ-law codes; the REST client sends PCM16 decoded from them.
  for (int code = 1; code <= 126; ++code) {
    const auto byte = static_cast<std::uint8_t>(code);
    EXPECT_EQ(audio::mulaw_encode(audio::mulaw_decode(byte)), byte) << code;
  }
}

// ---- the public factory ----

TEST(OpenAiTranscribeFactory, RealtimeByDefaultAndRestWithWhisper) {
  stt::OpenAiTranscribeOptions options;
  options.api_key = "sk-factory";
  options.language = "fr";
  const auto realtime = stt::openai_transcribe(options);
  EXPECT_EQ(realtime->name(), "openai_transcribe");
  EXPECT_EQ(realtime->model(), "gpt-4o-transcribe");
  EXPECT_EQ(realtime->input_format(), kTelephonyMulaw);
  const auto& config = dynamic_cast<const OpenAiTranscribeStt&>(*realtime).config();
  EXPECT_EQ(config.transport, OpenAiTranscribeTransport::realtime);
  EXPECT_EQ(config.base_url, "https://api.openai.com/v1");
  EXPECT_EQ(config.language, "fr");
  EXPECT_EQ(config.server_vad.silence_duration_ms, 500);

  options.transport = stt::OpenAiTranscribeTransport::rest;
  const auto rest = stt::openai_transcribe(options);
  EXPECT_EQ(rest->name(), "whisper");
  EXPECT_EQ(rest->model(), "whisper-1");
}

TEST(OpenAiTranscribeFactory, ProblemsAreInvalidArguments) {
  stt::OpenAiTranscribeOptions options;
  options.api_key = "sk-factory";
  options.input_format = kPcm16k;
  try {
    (void)stt::openai_transcribe(options);
    FAIL() << "no error for PCM16 16 kHz over the Realtime API";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "Realtime transport")) << error.what();
  }
  options.input_format = kTelephonyMulaw;
  options.noise_reduction = "loud";
  EXPECT_THROW((void)stt::openai_transcribe(options), std::invalid_argument);
}

}  // namespace
}  // namespace patter::providers
