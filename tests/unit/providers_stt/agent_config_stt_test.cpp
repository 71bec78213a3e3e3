// Agent files naming Deepgram as speech-to-text.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "app/agent_config.hpp"
#include "core/error.hpp"
#include "providers/stt/assemblyai_stt.hpp"
#include "providers/stt/cartesia_stt.hpp"
#include "providers/stt/deepgram_stt.hpp"
#include "providers/stt/openai_transcribe_stt.hpp"

namespace patter::app {
namespace {

core::EnvLookup fake_env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::string agent_with_stt(const std::string& stt_section) {
  return "agent:\n  system_prompt: Be brief.\n  stt:\n" + stt_section;
}

AgentFile load(const std::string& yaml, std::map<std::string, std::string> env) {
  ProviderRuntime runtime;
  return parse_agent_yaml(yaml, "agent.yaml", runtime, fake_env(std::move(env)));
}

const providers::DeepgramConfig& deepgram_config(const AgentFile& file) {
  const auto* stt = dynamic_cast<const providers::DeepgramStt*>(file.agent.stt.get());
  if (stt == nullptr) throw std::runtime_error("the agent's stt is not Deepgram");
  return stt->config();
}

core::Error error_of(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  try {
    (void)load(yaml, std::move(env));
  } catch (const core::Error& error) {
    return error;
  }
  ADD_FAILURE() << "no error for:\n" << yaml;
  return core::Error(core::Errc::internal, "");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(AgentConfigStt, DeepgramWithDefaultsAndTheKeyFromTheEnvironment) {
  const auto file =
      load(agent_with_stt("    provider: deepgram\n"), {{"DEEPGRAM_API_KEY", "dg-env-key-1234"}});
  EXPECT_EQ(file.agent.stt->name(), "deepgram");
  EXPECT_EQ(file.agent.stt->model(), "nova-3");
  EXPECT_EQ(file.agent.stt->input_format(), kTelephonyMulaw);
  const auto& config = deepgram_config(file);
  EXPECT_EQ(config.api_key, "dg-env-key-1234");
  EXPECT_EQ(config.base_url, "wss://api.deepgram.com/v1/listen");
  EXPECT_EQ(config.endpointing_ms, 150);
  EXPECT_EQ(config.utterance_end_ms, 1000);
  EXPECT_TRUE(config.interim_results);
}

TEST(AgentConfigStt, EveryKey) {
  const auto file = load(agent_with_stt(R"(    provider: deepgram
    model: nova-2-phonecall
    language: fr
    api_key: ${MY_DG}
    base_url: wss://dg.example.com/v1/listen
    endpointing_ms: 300
    utterance_end_ms: false
    interim_results: true
    vad_events: false
    smart_format: false
    punctuate: false
    keyterms: [Patter, Trattoria]
    keepalive_ms: 3000
    reconnect_attempts: 2
    replay_window_ms: 5000
)"),
                         {{"MY_DG", "dg-file-key-99"}});
  const auto& config = deepgram_config(file);
  EXPECT_EQ(config.model, "nova-2-phonecall");
  EXPECT_EQ(config.language, "fr");
  EXPECT_EQ(config.api_key, "dg-file-key-99");
  EXPECT_EQ(config.base_url, "wss://dg.example.com/v1/listen");
  EXPECT_EQ(config.endpointing_ms, 300);
  EXPECT_FALSE(config.utterance_end_ms);
  EXPECT_FALSE(config.vad_events);
  EXPECT_FALSE(config.smart_format);
  EXPECT_FALSE(config.punctuate);
  EXPECT_EQ(config.keyterms, (std::vector<std::string>{"Patter", "Trattoria"}));
  EXPECT_EQ(config.keepalive_interval, std::chrono::milliseconds(3000));
  EXPECT_EQ(config.reconnect_attempts, 2);
  EXPECT_EQ(config.replay_window, std::chrono::milliseconds(5000));
}

TEST(AgentConfigStt, EndpointingCanBeTurnedOff) {
  const auto file = load(agent_with_stt("    provider: deepgram\n    endpointing_ms: false\n"),
                         {{"DEEPGRAM_API_KEY", "dg-env-key-1234"}});
  EXPECT_FALSE(deepgram_config(file).endpointing_ms);
}

TEST(AgentConfigStt, AMissingKeyNamesTheVariable) {
  const auto error = error_of(agent_with_stt("    provider: deepgram\n"));
  EXPECT_EQ(error.code(), core::Errc::missing_credential);
  EXPECT_TRUE(contains(error.what(), "DEEPGRAM_API_KEY")) << error.what();
}

TEST(AgentConfigStt, MistakesAreReportedWhereTheyAre) {
  const std::map<std::string, std::string> env = {{"DEEPGRAM_API_KEY", "dg-env-key-1234"}};
  auto error = error_of(agent_with_stt("    provider: deepgram\n    utterance_end_ms: 500\n"), env);
  EXPECT_TRUE(contains(error.what(), "agent.stt.utterance_end_ms")) << error.what();
  error = error_of(agent_with_stt("    provider: deepgram\n    base_url: ftp://x\n"), env);
  EXPECT_TRUE(contains(error.what(), "agent.stt.base_url")) << error.what();
  error = error_of(agent_with_stt("    provider: deepgram\n    endpointing: 300\n"), env);
  EXPECT_TRUE(contains(error.what(), "endpointing")) << error.what();
  error = error_of(agent_with_stt("    provider: deepgram\n    interim_results: false\n"), env);
  EXPECT_TRUE(contains(error.what(), "utterance_end_ms needs interim_results")) << error.what();
}

const providers::CartesiaSttConfig& cartesia_config(const AgentFile& file) {
  const auto* stt = dynamic_cast<const providers::CartesiaStt*>(file.agent.stt.get());
  if (stt == nullptr) throw std::runtime_error("the agent's stt is not Cartesia");
  return stt->config();
}

TEST(AgentConfigStt, CartesiaWithDefaultsAndTheKeyFromTheEnvironment) {
  const auto file =
      load(agent_with_stt("    provider: cartesia\n"), {{"CARTESIA_API_KEY", "sk_car_env_1234"}});
  EXPECT_EQ(file.agent.stt->name(), "cartesia_stt");
  EXPECT_EQ(file.agent.stt->model(), "ink-whisper");
  EXPECT_EQ(file.agent.stt->input_format(), kPcm16k);
  const auto& config = cartesia_config(file);
  EXPECT_EQ(config.api_key, "sk_car_env_1234");
  EXPECT_EQ(config.base_url, "wss://api.cartesia.ai/stt/websocket");
  EXPECT_EQ(config.version, "2025-04-16");
  EXPECT_FALSE(config.min_volume);
}

TEST(AgentConfigStt, CartesiaEveryKey) {
  const auto file = load(agent_with_stt(R"(    provider: cartesia
    model: ink-2
    language: es
    api_key: ${MY_CARTESIA}
    base_url: wss://stt.example.com/stt/websocket
    version: 2026-03-01
    encoding: pcm_mulaw
    min_volume: 0.2
    max_silence_duration_secs: 0.6
    keepalive_ms: 5000
    reconnect_attempts: 3
    replay_window_ms: 8000
)"),
                         {{"MY_CARTESIA", "sk_car_file_99"}});
  const auto& config = cartesia_config(file);
  EXPECT_EQ(config.model, "ink-2");
  EXPECT_EQ(config.language, "es");
  EXPECT_EQ(config.api_key, "sk_car_file_99");
  EXPECT_EQ(config.base_url, "wss://stt.example.com/stt/websocket");
  EXPECT_EQ(config.version, "2026-03-01");
  EXPECT_EQ(config.input_format, kTelephonyMulaw);  // μ-law is 8 kHz unless a rate is given
  EXPECT_EQ(config.min_volume, 0.2);
  EXPECT_EQ(config.max_silence_duration_secs, 0.6);
  EXPECT_EQ(config.keepalive_interval, std::chrono::milliseconds(5000));
  EXPECT_EQ(config.reconnect_attempts, 3);
  EXPECT_EQ(config.replay_window, std::chrono::milliseconds(8000));
}

TEST(AgentConfigStt, CartesiaMistakesAreReportedWhereTheyAre) {
  auto error = error_of(agent_with_stt("    provider: cartesia\n"));
  EXPECT_EQ(error.code(), core::Errc::missing_credential);
  EXPECT_TRUE(contains(error.what(), "CARTESIA_API_KEY")) << error.what();
  const std::map<std::string, std::string> env = {{"CARTESIA_API_KEY", "sk_car_env_1234"}};
  error = error_of(agent_with_stt("    provider: cartesia\n    encoding: opus\n"), env);
  EXPECT_TRUE(contains(error.what(), "agent.stt.encoding")) << error.what();
  error = error_of(agent_with_stt("    provider: cartesia\n    min_volume: 2\n"), env);
  EXPECT_TRUE(contains(error.what(), "agent.stt.min_volume")) << error.what();
  error = error_of(agent_with_stt("    provider: cartesia\n    base_url: ftp://x\n"), env);
  EXPECT_TRUE(contains(error.what(), "agent.stt.base_url")) << error.what();
  error = error_of(agent_with_stt("    provider: cartesia\n    endpointing_ms: 300\n"), env);
  EXPECT_TRUE(contains(error.what(), "endpointing_ms")) << error.what();
}

const providers::AssemblyAiConfig& assemblyai_config(const AgentFile& file) {
  const auto* stt = dynamic_cast<const providers::AssemblyAiStt*>(file.agent.stt.get());
  if (stt == nullptr) throw std::runtime_error("the agent's stt is not AssemblyAI");
  return stt->config();
}

TEST(AgentConfigStt, AssemblyAiWithDefaultsAndTheKeyFromTheEnvironment) {
  const auto file = load(agent_with_stt("    provider: assemblyai\n"),
                         {{"ASSEMBLYAI_API_KEY", "aai-env-key-1234"}});
  EXPECT_EQ(file.agent.stt->name(), "assemblyai");
  EXPECT_EQ(file.agent.stt->model(), "universal-streaming-english");
  EXPECT_EQ(file.agent.stt->input_format(), kTelephonyMulaw);
  const auto& config = assemblyai_config(file);
  EXPECT_EQ(config.api_key, "aai-env-key-1234");
  EXPECT_EQ(config.base_url, "wss://streaming.assemblyai.com/v3/ws");
  EXPECT_FALSE(config.format_turns);
  EXPECT_DOUBLE_EQ(config.end_of_turn_confidence_threshold, 0.4);
  EXPECT_EQ(config.min_turn_silence_ms, 400);
  EXPECT_EQ(config.max_turn_silence_ms, 1280);
  EXPECT_EQ(config.chunk, std::chrono::milliseconds(50));
}

TEST(AgentConfigStt, AssemblyAiEveryKey) {
  const auto file = load(agent_with_stt(R"(    provider: assemblyai
    model: universal-streaming-multilingual
    api_key: ${MY_AAI}
    base_url: wss://streaming.eu.assemblyai.com/v3/ws
    encoding: pcm_s16le
    sample_rate: 16000
    format_turns: true
    end_of_turn_confidence_threshold: 0.7
    min_turn_silence_ms: 160
    max_turn_silence_ms: 2400
    keyterms: [Patter, Trattoria]
    chunk_ms: 100
    keepalive_ms: 3000
    reconnect_attempts: 2
    replay_window_ms: 5000
)"),
                         {{"MY_AAI", "aai-file-key-99"}});
  const auto& config = assemblyai_config(file);
  EXPECT_EQ(config.speech_model, "universal-streaming-multilingual");
  EXPECT_EQ(config.api_key, "aai-file-key-99");
  EXPECT_EQ(config.base_url, "wss://streaming.eu.assemblyai.com/v3/ws");
  EXPECT_EQ(config.input_format, kPcm16k);
  EXPECT_TRUE(config.format_turns);
  EXPECT_DOUBLE_EQ(config.end_of_turn_confidence_threshold, 0.7);
  EXPECT_EQ(config.min_turn_silence_ms, 160);
  EXPECT_EQ(config.max_turn_silence_ms, 2400);
  EXPECT_EQ(config.keyterms, (std::vector<std::string>{"Patter", "Trattoria"}));
  EXPECT_EQ(config.chunk, std::chrono::milliseconds(100));
  EXPECT_EQ(config.keepalive_interval, std::chrono::milliseconds(3000));
  EXPECT_EQ(config.reconnect_attempts, 2);
  EXPECT_EQ(config.replay_window, std::chrono::milliseconds(5000));
}

TEST(AgentConfigStt, AssemblyAiMissingKeyAndMistakes) {
  auto error = error_of(agent_with_stt("    provider: assemblyai\n"));
  EXPECT_EQ(error.code(), core::Errc::missing_credential);
  EXPECT_TRUE(contains(error.what(), "ASSEMBLYAI_API_KEY")) << error.what();
  const std::map<std::string, std::string> env = {{"ASSEMBLYAI_API_KEY", "aai-env-key-1234"}};
  error = error_of(agent_with_stt("    provider: assemblyai\n    chunk_ms: 20\n"), env);
  EXPECT_TRUE(contains(error.what(), "agent.stt.chunk_ms")) << error.what();
  error = error_of(
      agent_with_stt("    provider: assemblyai\n    end_of_turn_confidence_threshold: 2\n"), env);
  EXPECT_TRUE(contains(error.what(), "agent.stt.end_of_turn_confidence_threshold")) << error.what();
  error = error_of(agent_with_stt("    provider: assemblyai\n    encoding: pcm_alaw\n"), env);
  EXPECT_TRUE(contains(error.what(), "agent.stt.encoding")) << error.what();
  error = error_of(agent_with_stt("    provider: assemblyai\n    min_turn_silence_ms: 900\n"
                                  "    max_turn_silence_ms: 500\n"),
                   env);
  EXPECT_TRUE(contains(error.what(), "agent.stt.max_turn_silence_ms")) << error.what();
  error = error_of(agent_with_stt("    provider: assemblyai\n    language: fr\n"), env);
  EXPECT_TRUE(contains(error.what(), "language")) << error.what();
  error = error_of(agent_with_stt("    provider: assemblyai\n    base_url: ftp://x\n"), env);
  EXPECT_TRUE(contains(error.what(), "agent.stt.base_url")) << error.what();
}

const providers::OpenAiTranscribeConfig& openai_stt_config(const AgentFile& file) {
  const auto* stt = dynamic_cast<const providers::OpenAiTranscribeStt*>(file.agent.stt.get());
  if (stt == nullptr) throw std::runtime_error("the agent's stt is not OpenAI");
  return stt->config();
}

const std::map<std::string, std::string> kOpenAiEnv = {{"OPENAI_API_KEY", "sk-env-openai-1234"}};

TEST(AgentConfigStt, OpenAiIsTheRealtimeTranscriptionSessionByDefault) {
  const auto file = load(agent_with_stt("    provider: openai\n"), kOpenAiEnv);
  EXPECT_EQ(file.agent.stt->name(), "openai_transcribe");
  EXPECT_EQ(file.agent.stt->model(), "gpt-4o-transcribe");
  EXPECT_EQ(file.agent.stt->input_format(), kTelephonyMulaw);
  const auto& config = openai_stt_config(file);
  EXPECT_EQ(config.transport, providers::OpenAiTranscribeTransport::realtime);
  EXPECT_EQ(config.api_key, "sk-env-openai-1234");
  EXPECT_EQ(config.base_url, "https://api.openai.com/v1");
  EXPECT_EQ(config.server_vad.silence_duration_ms, 500);
  EXPECT_TRUE(config.noise_reduction.empty());
}

TEST(AgentConfigStt, OpenAiEveryKey) {
  const auto file = load(agent_with_stt(R"(    provider: openai
    model: gpt-4o-mini-transcribe
    language: it
    prompt: Trattoria
    api_key: ${MY_OPENAI}
    base_url: https://proxy.example.com/openai/v1
    input_format: g711_alaw
    vad_threshold: 0.7
    prefix_padding_ms: 200
    silence_duration_ms: 800
    noise_reduction: far_field
    reconnect_attempts: 2
    replay_window_ms: 5000
)"),
                         {{"MY_OPENAI", "sk-file-key-99"}});
  const auto& config = openai_stt_config(file);
  EXPECT_EQ(config.model, "gpt-4o-mini-transcribe");
  EXPECT_EQ(config.language, "it");
  EXPECT_EQ(config.prompt, "Trattoria");
  EXPECT_EQ(config.api_key, "sk-file-key-99");
  EXPECT_EQ(config.base_url, "https://proxy.example.com/openai/v1");
  EXPECT_EQ(config.input_format, kTelephonyAlaw);
  EXPECT_DOUBLE_EQ(config.server_vad.threshold, 0.7);
  EXPECT_EQ(config.server_vad.prefix_padding_ms, 200);
  EXPECT_EQ(config.server_vad.silence_duration_ms, 800);
  EXPECT_EQ(config.noise_reduction, "far_field");
  EXPECT_EQ(config.reconnect_attempts, 2);
  EXPECT_EQ(config.replay_window, std::chrono::milliseconds(5000));
}

TEST(AgentConfigStt, WhisperIsTheRestTransport) {
  const auto file = load(agent_with_stt("    provider: whisper\n    gate_min_silence_ms: 700\n"
                                        "    max_attempts: 2\n"),
                         kOpenAiEnv);
  EXPECT_EQ(file.agent.stt->name(), "whisper");
  EXPECT_EQ(file.agent.stt->model(), "whisper-1");
  const auto& config = openai_stt_config(file);
  EXPECT_EQ(config.transport, providers::OpenAiTranscribeTransport::rest);
  EXPECT_EQ(config.gate.min_silence_ms, 700);
  EXPECT_EQ(config.max_attempts, 2);
  const auto rest = load(agent_with_stt("    provider: openai\n    transport: rest\n"), kOpenAiEnv);
  EXPECT_EQ(openai_stt_config(rest).transport, providers::OpenAiTranscribeTransport::rest);
  EXPECT_EQ(rest.agent.stt->model(), "gpt-4o-transcribe");
}

TEST(AgentConfigStt, OpenAiMissingKeyAndMistakes) {
  auto error = error_of(agent_with_stt("    provider: whisper\n"));
  EXPECT_EQ(error.code(), core::Errc::missing_credential);
  EXPECT_TRUE(contains(error.what(), "OPENAI_API_KEY")) << error.what();
  error = error_of(agent_with_stt("    provider: openai\n    transport: grpc\n"), kOpenAiEnv);
  EXPECT_TRUE(contains(error.what(), "agent.stt.transport")) << error.what();
  error = error_of(agent_with_stt("    provider: whisper\n    transport: realtime\n"), kOpenAiEnv);
  EXPECT_TRUE(contains(error.what(), "agent.stt.transport")) << error.what();
  error =
      error_of(agent_with_stt("    provider: openai\n    input_format: pcm_16000\n"), kOpenAiEnv);
  EXPECT_TRUE(contains(error.what(), "agent.stt.input_format")) << error.what();
  error = error_of(agent_with_stt("    provider: openai\n    vad_threshold: 2\n"), kOpenAiEnv);
  EXPECT_TRUE(contains(error.what(), "agent.stt.vad_threshold")) << error.what();
  error = error_of(agent_with_stt("    provider: openai\n    base_url: ftp://x\n"), kOpenAiEnv);
  EXPECT_TRUE(contains(error.what(), "agent.stt.base_url")) << error.what();
  error = error_of(agent_with_stt("    provider: openai\n    voice: alloy\n"), kOpenAiEnv);
  EXPECT_TRUE(contains(error.what(), "voice")) << error.what();
}

}  // namespace
}  // namespace patter::app
