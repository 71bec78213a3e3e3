// Agent files with provider: fallback in llm, stt and tts: each entry is an ordinary provider
// section, checked as it would be alone, and the chain's own keys are checked too.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "app/agent_config.hpp"
#include "core/error.hpp"
#include "providers/fallback/fallback_llm.hpp"
#include "providers/fallback/fallback_stt.hpp"
#include "providers/fallback/fallback_tts.hpp"
#include "providers/llm/anthropic_llm.hpp"
#include "providers/llm/openai_chat_llm.hpp"

namespace patter::app {
namespace {

const std::map<std::string, std::string> kKeys{{"OPENAI_API_KEY", "sk-env-key-123456"},
                                               {"ANTHROPIC_API_KEY", "sk-ant-env-key-123456"},
                                               {"DEEPGRAM_API_KEY", "dg-env-key-123456"},
                                               {"ELEVENLABS_API_KEY", "sk_env_key_123456"}};

AgentFile load(const std::string& yaml) {
  ProviderRuntime runtime;
  return parse_agent_yaml(yaml, "agent.yaml", runtime,
                          [](std::string_view name) -> std::optional<std::string> {
                            const auto it = kKeys.find(std::string(name));
                            if (it == kKeys.end()) return std::nullopt;
                            return it->second;
                          });
}

std::string error_of(const std::string& yaml) {
  try {
    (void)load(yaml);
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::config_invalid);
    return error.what();
  }
  ADD_FAILURE() << "no error for:\n" << yaml;
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string agent_with(const std::string& sections) {
  return "agent:\n  system_prompt: Be brief.\n" + sections;
}

TEST(AgentConfigFallback, AnLlmChainOfOrdinaryProviderSections) {
  const auto file = load(agent_with(R"(  llm:
    provider: fallback
    max_retry_per_provider: 2
    recovery_interval_s: 45
    warm_standby: true
    providers:
      - provider: openai
        model: gpt-4.1-mini
      - provider: anthropic
)"));
  const auto* chain = dynamic_cast<const providers::FallbackLlm*>(file.agent.llm.get());
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->name(), "openai");
  EXPECT_EQ(chain->model(), "gpt-4.1-mini");
  ASSERT_EQ(chain->providers().size(), 2u);
  EXPECT_NE(dynamic_cast<const providers::AnthropicLlm*>(chain->providers()[1].get()), nullptr);
  EXPECT_EQ(chain->settings().max_retry_per_provider, 2);
  EXPECT_EQ(chain->settings().recovery_interval, std::chrono::seconds(45));
  EXPECT_TRUE(chain->settings().warm_standby);
}

TEST(AgentConfigFallback, SpeechChainsTakeTheReferenceDefaults) {
  const auto file = load(agent_with(R"(  stt:
    provider: fallback
    replay_window_ms: 5000
    providers:
      - {provider: deepgram}
      - {provider: deepgram, model: nova-2-phonecall}
  tts:
    provider: fallback
    providers:
      - {provider: elevenlabs}
      - {provider: elevenlabs, transport: websocket, output_format: pcm_16000}
)"));
  const auto* stt = dynamic_cast<const providers::FallbackStt*>(file.agent.stt.get());
  ASSERT_NE(stt, nullptr);
  EXPECT_EQ(stt->providers()[1]->model(), "nova-2-phonecall");
  EXPECT_EQ(stt->settings().max_retry_per_provider, 1);
  EXPECT_EQ(stt->settings().recovery_interval, std::chrono::seconds(30));
  EXPECT_EQ(stt->settings().replay_window, std::chrono::milliseconds(5000));
  const auto* tts = dynamic_cast<const providers::FallbackTts*>(file.agent.tts.get());
  ASSERT_NE(tts, nullptr);
  EXPECT_EQ(tts->name(), "elevenlabs");
  EXPECT_EQ(tts->output_format(), kTelephonyMulaw);
  EXPECT_EQ(tts->providers()[1]->name(), "elevenlabs_ws");
}

TEST(AgentConfigFallback, MistakesAreLocated) {
  const auto bad_entry = error_of(agent_with(R"(  llm:
    provider: fallback
    providers:
      - provider: openai
      - provider: anthropic
        temperature: 1.5
)"));
  EXPECT_TRUE(contains(bad_entry, "agent.llm.providers[1].temperature")) << bad_entry;

  const auto unknown = error_of(agent_with(R"(  tts:
    provider: fallback
    providers:
      - provider: espeak
      - provider: nonesuch
)"));
  EXPECT_TRUE(contains(unknown, "agent.tts.providers[1].provider")) << unknown;
  EXPECT_TRUE(contains(unknown, "unknown provider \"nonesuch\"")) << unknown;

  const auto nested = error_of(agent_with(R"(  stt:
    provider: fallback
    providers:
      - provider: fallback
        providers: [{provider: deepgram}]
)"));
  EXPECT_TRUE(contains(nested, "cannot be fallbacks themselves")) << nested;

  const auto empty = error_of(agent_with("  llm:\n    provider: fallback\n"));
  EXPECT_TRUE(contains(empty, "agent.llm.providers: needs at least one provider")) << empty;

  const auto not_a_section = error_of(agent_with(R"(  llm:
    provider: fallback
    providers: [openai]
)"));
  EXPECT_TRUE(contains(not_a_section, "agent.llm.providers[0]")) << not_a_section;

  const auto stt_only_key = error_of(agent_with(R"(  llm:
    provider: fallback
    replay_window_ms: 5000
    providers: [{provider: openai}]
)"));
  EXPECT_TRUE(contains(stt_only_key, "replay_window_ms")) << stt_only_key;

  const auto interval = error_of(agent_with(R"(  tts:
    provider: fallback
    recovery_interval_s: 0
    providers: [{provider: espeak}]
)"));
  EXPECT_TRUE(contains(interval, "agent.tts.recovery_interval_s")) << interval;

  const auto listed = error_of(agent_with("  stt:\n    provider: nonesuch\n"));
  EXPECT_TRUE(contains(listed, "fallback)")) << listed;
}

}  // namespace
}  // namespace patter::app
