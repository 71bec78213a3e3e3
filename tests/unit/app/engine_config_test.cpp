#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "app/agent_config.hpp"
#include "core/error.hpp"

namespace patter::app {
namespace {

using core::Errc;

core::EnvLookup fake_env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

const std::map<std::string, std::string> kKeys = {{"OPENAI_API_KEY", "sk-test"},
                                                  {"ELEVENLABS_API_KEY", "xi-test"},
                                                  {"ELEVENLABS_AGENT_ID", "agent_123"}};

AgentFile parse(const std::string& yaml, std::map<std::string, std::string> env = kKeys) {
  ProviderRuntime runtime;
  return parse_agent_yaml(yaml, "agent.yaml", runtime, fake_env(std::move(env)));
}

// The error loading `yaml` raises: its code and message.
std::pair<Errc, std::string> error_of(const std::string& yaml, std::map<std::string, std::string> env = kKeys) {
  try {
    (void)parse(yaml, std::move(env));
  } catch (const core::Error& e) {
    return {e.code(), e.what()};
  }
  ADD_FAILURE() << "no error for:\n" << yaml;
  return {};
}

TEST(EngineYaml, OpenAiRealtimeWithItsOptions) {
  const auto file = parse(R"(agent:
  system_prompt: You answer the phone.
  engine:
    provider: openai_realtime
    model: gpt-realtime-mini
    voice: verse
    turn_detection: {type: semantic_vad, eagerness: high}
    transcription_model: gpt-4o-mini-transcribe
    temperature: 0.7
    max_output_tokens: 800
)");
  ASSERT_TRUE(file.agent.engine);
  EXPECT_EQ(file.agent.engine->name(), "openai_realtime");
  EXPECT_EQ(file.agent.engine->model(), "gpt-realtime-mini");
  EXPECT_FALSE(file.agent.llm);
}

TEST(EngineYaml, OpenAiRealtimeGaDefaultsToGptRealtime) {
  const auto file = parse("agent:\n  system_prompt: x\n  engine:\n    provider: openai_realtime\n    api: ga\n"
                          "    ga_transcode: true\n");
  ASSERT_TRUE(file.agent.engine);
  EXPECT_EQ(file.agent.engine->model(), "gpt-realtime");
}

TEST(EngineYaml, ElevenLabsConvAiTakesItsAgentFromTheEnvironment) {
  const auto file = parse("agent:\n  system_prompt: x\n  engine:\n    provider: elevenlabs_convai\n"
                          "    signed_url: true\n    dynamic_variables: {city: Rome}\n");
  ASSERT_TRUE(file.agent.engine);
  EXPECT_EQ(file.agent.engine->name(), "elevenlabs_convai");
}

TEST(EngineYamlErrors, AnEngineAndAnLlmExcludeEachOther) {
  const auto [code, message] = error_of("agent:\n  system_prompt: x\n  llm:\n    provider: rules\n"
                                        "  engine:\n    provider: openai_realtime\n");
  EXPECT_EQ(code, Errc::config_invalid);
  EXPECT_EQ(message,
            "agent.yaml:6:5: agent.engine: cannot be combined with agent.llm: a speech-to-speech engine "
            "answers the caller itself; keep agent.engine or agent.llm");
}

TEST(EngineYamlErrors, UnknownOrMissingProvider) {
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  engine:\n    provider: gemini_live\n").second,
            "agent.yaml:4:15: agent.engine.provider: unknown engine \"gemini_live\" (known engines: "
            "openai_realtime, elevenlabs_convai)");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  engine:\n    model: gpt-realtime\n").second,
            "agent.yaml:4:5: agent.engine.provider: is required (known engines: openai_realtime, "
            "elevenlabs_convai)");
}

TEST(EngineYamlErrors, MissingCredentialsNameTheVariable) {
  const auto [code, message] =
      error_of("agent:\n  system_prompt: x\n  engine:\n    provider: openai_realtime\n", {});
  EXPECT_EQ(code, Errc::missing_credential);
  EXPECT_NE(message.find("OPENAI_API_KEY"), std::string::npos) << message;
  const auto agent = error_of("agent:\n  system_prompt: x\n  engine:\n    provider: elevenlabs_convai\n",
                              {{"ELEVENLABS_API_KEY", "xi-test"}});
  EXPECT_EQ(agent.first, Errc::config_invalid);
  EXPECT_NE(agent.second.find("agent.engine.agent_id: is required"), std::string::npos) << agent.second;
  EXPECT_NE(agent.second.find("ELEVENLABS_AGENT_ID"), std::string::npos) << agent.second;
}

TEST(EngineYamlErrors, OptionsThatDoNotFitTheApi) {
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  engine:\n    provider: openai_realtime\n    api: ga\n"
                     "    temperature: 0.8\n")
                .second,
            "agent.yaml:6:18: agent.engine.temperature: the GA API has no temperature; remove it or use api: beta");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  engine:\n    provider: openai_realtime\n"
                     "    ga_transcode: true\n")
                .second,
            "agent.yaml:5:19: agent.engine.ga_transcode: applies only to api: ga");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  engine:\n    provider: openai_realtime\n"
                     "    turn_detection: {eagerness: high}\n")
                .second,
            "agent.yaml:5:33: agent.engine.turn_detection.eagerness: applies only to type: semantic_vad");
  EXPECT_EQ(error_of("agent:\n  system_prompt: x\n  engine:\n    provider: openai_realtime\n"
                     "    base_url: https://api.openai.com/v1/realtime\n")
                .first,
            Errc::config_invalid);
}

}  // namespace
}  // namespace patter::app
