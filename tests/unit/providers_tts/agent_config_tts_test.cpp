// Agent files naming the ElevenLabs text-to-speech.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "app/agent_config.hpp"
#include "core/error.hpp"
#include "providers/tts/cartesia_tts.hpp"
#include "providers/tts/elevenlabs_tts.hpp"
#include "providers/tts/elevenlabs_ws_tts.hpp"
#include "providers/tts/openai_speech_tts.hpp"

namespace patter::app {
namespace {

using std::chrono::milliseconds;

core::EnvLookup fake_env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::string agent_with_tts(const std::string& tts_section) {
  return "agent:\n  system_prompt: Be brief.\n  tts:\n" + tts_section;
}

AgentFile load(const std::string& yaml, std::map<std::string, std::string> env) {
  ProviderRuntime runtime;
  return parse_agent_yaml(yaml, "agent.yaml", runtime, fake_env(std::move(env)));
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

const std::map<std::string, std::string> kEnv{{"ELEVENLABS_API_KEY", "sk_env_eleven_123456"}};

TEST(AgentConfigTts, ElevenLabsWithDefaultsAndTheKeyFromTheEnvironment) {
  const auto file = load(agent_with_tts("    provider: elevenlabs\n"), kEnv);
  const auto* tts = dynamic_cast<const providers::ElevenLabsTts*>(file.agent.tts.get());
  ASSERT_NE(tts, nullptr);
  EXPECT_EQ(tts->name(), "elevenlabs");
  EXPECT_EQ(tts->model(), "eleven_flash_v2_5");
  EXPECT_EQ(tts->output_format(), kTelephonyMulaw);
  EXPECT_EQ(tts->config().api_key, "sk_env_eleven_123456");
  EXPECT_EQ(tts->config().voice_id, "EXAVITQu4vr4xnSDxMaL");
  EXPECT_EQ(tts->config().base_url, "https://api.elevenlabs.io");
}

TEST(AgentConfigTts, EveryKey) {
  const auto file = load(agent_with_tts(R"(    provider: elevenlabs
    voice: Rachel
    model: eleven_turbo_v2_5
    api_key: ${MY_KEY}
    base_url: https://eu.example.com
    transport: websocket
    output_format: pcm_16000
    optimize_streaming_latency: 2
    voice_settings:
      stability: 0.6
      similarity_boost: 0.75
      use_speaker_boost: false
    language_code: it
    enable_logging: false
    inactivity_timeout_s: 60
    first_byte_timeout_ms: 3000
    request_timeout_ms: 20000
)"),
                         {{"MY_KEY", "sk_from_my_key_99"}});
  const auto* tts = dynamic_cast<const providers::ElevenLabsWsTts*>(file.agent.tts.get());
  ASSERT_NE(tts, nullptr);
  const auto& config = tts->config();
  EXPECT_EQ(tts->name(), "elevenlabs_ws");
  EXPECT_EQ(config.voice_id, "21m00Tcm4TlvDq8ikWAM");
  EXPECT_EQ(config.model, "eleven_turbo_v2_5");
  EXPECT_EQ(config.api_key, "sk_from_my_key_99");
  EXPECT_EQ(config.base_url, "https://eu.example.com");
  EXPECT_EQ(config.output_format, "pcm_16000");
  EXPECT_EQ(tts->output_format(), kPcm16k);
  EXPECT_EQ(config.optimize_streaming_latency, 2);
  EXPECT_EQ(config.voice_settings.stability, 0.6);
  EXPECT_EQ(config.voice_settings.similarity_boost, 0.75);
  EXPECT_EQ(config.voice_settings.use_speaker_boost, false);
  EXPECT_FALSE(config.voice_settings.style);
  EXPECT_EQ(config.language_code, "it");
  EXPECT_FALSE(config.enable_logging);
  EXPECT_EQ(config.inactivity_timeout, std::chrono::seconds(60));
  EXPECT_EQ(config.first_byte_timeout, milliseconds(3000));
  EXPECT_EQ(config.request_timeout, milliseconds(20000));
}

TEST(AgentConfigTts, AVoiceIdPassesThrough) {
  const auto file =
      load(agent_with_tts("    provider: elevenlabs\n    voice: abcdefghij0123456789\n"), kEnv);
  const auto* tts = dynamic_cast<const providers::ElevenLabsTts*>(file.agent.tts.get());
  ASSERT_NE(tts, nullptr);
  EXPECT_EQ(tts->config().voice_id, "abcdefghij0123456789");
}

TEST(AgentConfigTts, MissingKeyNamesTheVariable) {
  const auto error = error_of(agent_with_tts("    provider: elevenlabs\n"));
  EXPECT_EQ(error.code(), core::Errc::missing_credential);
  EXPECT_TRUE(contains(error.what(), "ELEVENLABS_API_KEY")) << error.what();
  EXPECT_TRUE(contains(error.what(), "agent.tts.api_key")) << error.what();
}

TEST(AgentConfigTts, BadValuesAreLocated) {
  const auto voice = error_of(agent_with_tts("    provider: elevenlabs\n    voice: nobody\n"), kEnv);
  EXPECT_EQ(voice.code(), core::Errc::config_invalid);
  EXPECT_TRUE(contains(voice.what(), "agent.tts.voice")) << voice.what();
  EXPECT_TRUE(contains(voice.what(), "unknown voice")) << voice.what();
  const auto transport =
      error_of(agent_with_tts("    provider: elevenlabs\n    transport: grpc\n"), kEnv);
  EXPECT_TRUE(contains(transport.what(), "agent.tts.transport")) << transport.what();
  const auto format =
      error_of(agent_with_tts("    provider: elevenlabs\n    output_format: mp3_44100_128\n"), kEnv);
  EXPECT_TRUE(contains(format.what(), "agent.tts.output_format")) << format.what();
  const auto stability = error_of(
      agent_with_tts("    provider: elevenlabs\n    voice_settings:\n      stability: 2\n"), kEnv);
  EXPECT_TRUE(contains(stability.what(), "agent.tts.voice_settings.stability")) << stability.what();
  const auto v3 = error_of(
      agent_with_tts("    provider: elevenlabs\n    transport: websocket\n    model: eleven_v3\n"),
      kEnv);
  EXPECT_TRUE(contains(v3.what(), "eleven_v3")) << v3.what();
  EXPECT_TRUE(contains(v3.what(), "agent.tts")) << v3.what();
  const auto typo = error_of(agent_with_tts("    provider: elevenlabs\n    modle: x\n"), kEnv);
  EXPECT_TRUE(contains(typo.what(), "did you mean 'model'")) << typo.what();
}

const std::map<std::string, std::string> kCartesiaEnv{{"CARTESIA_API_KEY", "sk_car_env_123456"}};

const providers::CartesiaTts& cartesia_of(const AgentFile& file) {
  const auto* tts = dynamic_cast<const providers::CartesiaTts*>(file.agent.tts.get());
  if (tts == nullptr) throw std::runtime_error("the agent's tts is not Cartesia");
  return *tts;
}

TEST(AgentConfigTts, CartesiaWithDefaultsAndTheKeyFromTheEnvironment) {
  const auto file = load(agent_with_tts("    provider: cartesia\n"), kCartesiaEnv);
  const auto& tts = cartesia_of(file);
  EXPECT_EQ(tts.name(), "cartesia_tts");
  EXPECT_EQ(tts.model(), "sonic-3");
  EXPECT_EQ(tts.output_format(), kTelephonyMulaw);
  EXPECT_EQ(tts.config().api_key, "sk_car_env_123456");
  EXPECT_EQ(tts.config().voice_id, "f786b574-daa5-4673-aa0c-cbe3e8534c02");
  EXPECT_EQ(tts.config().base_url, "wss://api.cartesia.ai/tts/websocket");
  EXPECT_TRUE(tts.config().continue_turns);
  EXPECT_FALSE(tts.config().speed);
}

TEST(AgentConfigTts, CartesiaEveryKey) {
  const auto file = load(agent_with_tts(R"(    provider: cartesia
    voice: a0e99841-438c-4a64-b679-ae501e7d6091
    model: sonic-2
    api_key: ${MY_CARTESIA}
    base_url: wss://tts.example.com/tts/websocket
    version: 2024-11-13
    language: fr
    encoding: pcm_s16le
    sample_rate: 24000
    speed: 1.1
    volume: 0.8
    emotion: calm
    max_buffer_delay_ms: 0
    continue_turns: false
    turn_gap_ms: 900
    first_byte_timeout_ms: 3000
    idle_timeout_ms: 4000
    max_attempts: 3
)"),
                         {{"MY_CARTESIA", "sk_car_file_42"}});
  const auto& config = cartesia_of(file).config();
  EXPECT_EQ(config.voice_id, "a0e99841-438c-4a64-b679-ae501e7d6091");
  EXPECT_EQ(config.model, "sonic-2");
  EXPECT_EQ(config.api_key, "sk_car_file_42");
  EXPECT_EQ(config.base_url, "wss://tts.example.com/tts/websocket");
  EXPECT_EQ(config.version, "2024-11-13");
  EXPECT_EQ(config.language, "fr");
  EXPECT_EQ(config.output_format, (AudioFormat{Encoding::pcm16_le, 24000}));
  EXPECT_EQ(config.speed, 1.1);
  EXPECT_EQ(config.volume, 0.8);
  EXPECT_EQ(config.emotion, "calm");
  EXPECT_EQ(config.max_buffer_delay_ms, 0);
  EXPECT_FALSE(config.continue_turns);
  EXPECT_EQ(config.turn_gap, milliseconds(900));
  EXPECT_EQ(config.first_byte_timeout, milliseconds(3000));
  EXPECT_EQ(config.idle_timeout, milliseconds(4000));
  EXPECT_EQ(config.max_attempts, 3);
}

TEST(AgentConfigTts, CartesiaMistakesAreReportedWhereTheyAre) {
  auto error = error_of(agent_with_tts("    provider: cartesia\n"));
  EXPECT_EQ(error.code(), core::Errc::missing_credential);
  EXPECT_TRUE(contains(error.what(), "CARTESIA_API_KEY")) << error.what();
  error = error_of(agent_with_tts("    provider: cartesia\n    speed: 3\n"), kCartesiaEnv);
  EXPECT_TRUE(contains(error.what(), "agent.tts.speed")) << error.what();
  error = error_of(agent_with_tts("    provider: cartesia\n    encoding: mp3\n"), kCartesiaEnv);
  EXPECT_TRUE(contains(error.what(), "agent.tts.encoding")) << error.what();
  error = error_of(agent_with_tts("    provider: cartesia\n    encoding: pcm_mulaw\n"
                                  "    sample_rate: 16000\n"),
                   kCartesiaEnv);
  EXPECT_TRUE(contains(error.what(), "output format")) << error.what();
  error = error_of(agent_with_tts("    provider: cartesia\n    voice_settings: {}\n"),
                   kCartesiaEnv);
  EXPECT_TRUE(contains(error.what(), "voice_settings")) << error.what();
}

const std::map<std::string, std::string> kOpenAiEnv{{"OPENAI_API_KEY", "sk-env-openai-tts-1"}};

TEST(AgentConfigTts, OpenAiWithDefaultsAndTheKeyFromTheEnvironment) {
  const auto file = load(agent_with_tts("    provider: openai\n"), kOpenAiEnv);
  const auto* tts = dynamic_cast<const providers::OpenAiSpeechTts*>(file.agent.tts.get());
  ASSERT_NE(tts, nullptr);
  EXPECT_EQ(tts->name(), "openai_tts");
  EXPECT_EQ(tts->model(), "tts-1");
  EXPECT_EQ(tts->output_format(), (AudioFormat{Encoding::pcm16_le, 24000}));
  EXPECT_EQ(tts->config().api_key, "sk-env-openai-tts-1");
  EXPECT_EQ(tts->config().voice, "alloy");
  EXPECT_FALSE(tts->config().speed);
}

TEST(AgentConfigTts, OpenAiEveryKey) {
  const auto file = load(agent_with_tts(R"(    provider: openai
    model: gpt-4o-mini-tts
    voice: coral
    speed: 1.5
    instructions: Speak like a friendly host.
    base_url: https://proxy.example.com/v1
    first_byte_timeout_ms: 3000
    request_timeout_ms: 20000
    max_attempts: 3
)"),
                         kOpenAiEnv);
  const auto& config = dynamic_cast<const providers::OpenAiSpeechTts&>(*file.agent.tts).config();
  EXPECT_EQ(config.model, "gpt-4o-mini-tts");
  EXPECT_EQ(config.voice, "coral");
  EXPECT_EQ(config.speed, 1.5);
  EXPECT_EQ(config.instructions, "Speak like a friendly host.");
  EXPECT_EQ(config.base_url, "https://proxy.example.com/v1");
  EXPECT_EQ(config.first_byte_timeout, milliseconds(3000));
  EXPECT_EQ(config.request_timeout, milliseconds(20000));
  EXPECT_EQ(config.max_attempts, 3);
  const auto hd = load(agent_with_tts("    provider: openai\n    model: tts-1-hd\n"), kOpenAiEnv);
  EXPECT_EQ(hd.agent.tts->name(), "openai_tts_hd");
}

TEST(AgentConfigTts, OpenAiMistakesAreReportedWhereTheyAre) {
  auto error = error_of(agent_with_tts("    provider: openai\n"));
  EXPECT_EQ(error.code(), core::Errc::missing_credential);
  EXPECT_TRUE(contains(error.what(), "OPENAI_API_KEY")) << error.what();
  error = error_of(agent_with_tts("    provider: openai\n    speed: 9\n"), kOpenAiEnv);
  EXPECT_TRUE(contains(error.what(), "agent.tts.speed")) << error.what();
  error =
      error_of(agent_with_tts("    provider: openai\n    instructions: Whisper.\n"), kOpenAiEnv);
  EXPECT_TRUE(contains(error.what(), "gpt-4o-mini-tts")) << error.what();
  error = error_of(agent_with_tts("    provider: openai\n    output_format: mp3\n"), kOpenAiEnv);
  EXPECT_TRUE(contains(error.what(), "output_format")) << error.what();
  error = error_of(agent_with_tts("    provider: openai\n    base_url: wss://x\n"), kOpenAiEnv);
  EXPECT_TRUE(contains(error.what(), "agent.tts.base_url")) << error.what();
}

}  // namespace
}  // namespace patter::app
