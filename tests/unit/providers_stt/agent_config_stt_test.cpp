// Agent files naming Deepgram as speech-to-text.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "app/agent_config.hpp"
#include "core/error.hpp"
#include "providers/stt/deepgram_stt.hpp"

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

}  // namespace
}  // namespace patter::app
