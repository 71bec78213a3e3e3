// Agent files naming the Chat Completions providers (openai, groq, cerebras, openai_compatible).

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "app/agent_config.hpp"
#include "core/error.hpp"
#include "providers/llm/openai_chat_llm.hpp"

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

std::string agent_with_llm(const std::string& llm_section) {
  return "agent:\n  system_prompt: Be brief.\n  llm:\n" + llm_section;
}

const providers::ChatConfig& chat_config(const AgentFile& file) {
  const auto* llm = dynamic_cast<const providers::OpenAiChatLlm*>(file.agent.llm.get());
  if (llm == nullptr) throw std::runtime_error("the agent's llm is not a Chat Completions client");
  return llm->config();
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

TEST(AgentConfigLlm, OpenAiWithDefaultsAndTheKeyFromTheEnvironment) {
  const auto file =
      load(agent_with_llm("    provider: openai\n"), {{"OPENAI_API_KEY", "sk-env-key-123456"}});
  EXPECT_EQ(file.agent.llm->name(), "openai");
  EXPECT_EQ(file.agent.llm->model(), "gpt-4o-mini");
  const auto& config = chat_config(file);
  EXPECT_EQ(config.api_key, "sk-env-key-123456");
  EXPECT_EQ(config.base_url, "https://api.openai.com/v1");
  EXPECT_FALSE(config.temperature);
  EXPECT_FALSE(config.max_tokens);
}

TEST(AgentConfigLlm, EveryKey) {
  const auto file = load(agent_with_llm(R"(    provider: openai
    model: gpt-4.1-mini
    base_url: https://proxy.example.com/openai/v1
    api_key: ${MY_KEY}
    temperature: 0.4
    max_tokens: 300
    organization: org-42
    request_timeout_ms: 20000
    first_token_timeout_ms: 4000
)"),
                         {{"MY_KEY", "sk-from-my-key-99"}});
  const auto& config = chat_config(file);
  EXPECT_EQ(config.model, "gpt-4.1-mini");
  EXPECT_EQ(config.base_url, "https://proxy.example.com/openai/v1");
  EXPECT_EQ(config.api_key, "sk-from-my-key-99");
  EXPECT_EQ(config.temperature, 0.4);
  EXPECT_EQ(config.max_tokens, 300);
  EXPECT_EQ(config.headers,
            (std::vector<std::pair<std::string, std::string>>{{"OpenAI-Organization", "org-42"}}));
  EXPECT_EQ(config.request_timeout, milliseconds(20000));
  EXPECT_EQ(config.first_token_timeout, milliseconds(4000));
}

TEST(AgentConfigLlm, MissingKeyNamesTheVariable) {
  const auto error = error_of(agent_with_llm("    provider: openai\n"));
  EXPECT_EQ(error.code(), core::Errc::missing_credential);
  EXPECT_TRUE(contains(error.what(), "OPENAI_API_KEY")) << error.what();
  EXPECT_TRUE(contains(error.what(), "agent.llm.api_key")) << error.what();
  EXPECT_TRUE(contains(error.what(), "agent.yaml")) << error.what();
}

TEST(AgentConfigLlm, GroqAndCerebrasUseTheirOwnVariablesAndDefaults) {
  const auto groq =
      load(agent_with_llm("    provider: groq\n"), {{"GROQ_API_KEY", "gsk_groq_key_1234"}});
  EXPECT_EQ(groq.agent.llm->name(), "groq");
  EXPECT_EQ(groq.agent.llm->model(), "llama-3.3-70b-versatile");
  EXPECT_EQ(chat_config(groq).base_url, "https://api.groq.com/openai/v1");
  const auto cerebras =
      load(agent_with_llm("    provider: cerebras\n"), {{"CEREBRAS_API_KEY", "csk-cerebras-1234"}});
  EXPECT_EQ(cerebras.agent.llm->model(), "gpt-oss-120b");
  EXPECT_EQ(chat_config(cerebras).base_url, "https://api.cerebras.ai/v1");
  const auto error =
      error_of(agent_with_llm("    provider: groq\n"), {{"OPENAI_API_KEY", "sk-not-this-one"}});
  EXPECT_TRUE(contains(error.what(), "GROQ_API_KEY")) << error.what();
}

TEST(AgentConfigLlm, OpenAiCompatibleNeedsNoKeyButABaseUrlAndAModel) {
  const auto file = load(agent_with_llm(R"(    provider: openai_compatible
    base_url: http://localhost:11434/v1
    model: llama3.2
)"),
                         {});
  EXPECT_EQ(file.agent.llm->name(), "openai_compatible");
  EXPECT_EQ(file.agent.llm->model(), "llama3.2");
  EXPECT_EQ(chat_config(file).api_key, "");
  EXPECT_EQ(chat_config(file).max_tokens_field, "max_tokens");

  const auto no_url =
      error_of(agent_with_llm("    provider: openai_compatible\n    model: llama3.2\n"));
  EXPECT_EQ(no_url.code(), core::Errc::config_invalid);
  EXPECT_TRUE(contains(no_url.what(), "agent.llm.base_url")) << no_url.what();
  const auto no_model =
      error_of(agent_with_llm("    provider: openai_compatible\n    base_url: http://h:8080/v1\n"));
  EXPECT_TRUE(contains(no_model.what(), "agent.llm.model")) << no_model.what();
}

TEST(AgentConfigLlm, BadValuesAreLocated) {
  const std::map<std::string, std::string> env{{"OPENAI_API_KEY", "sk-env-key-123456"}};
  const auto temperature =
      error_of(agent_with_llm("    provider: openai\n    temperature: 3\n"), env);
  EXPECT_EQ(temperature.code(), core::Errc::config_invalid);
  EXPECT_TRUE(contains(temperature.what(), "agent.yaml:5:")) << temperature.what();
  EXPECT_TRUE(contains(temperature.what(), "agent.llm.temperature")) << temperature.what();
  const auto url =
      error_of(agent_with_llm("    provider: openai\n    base_url: ftp://x/v1\n"), env);
  EXPECT_TRUE(contains(url.what(), "agent.llm.base_url")) << url.what();
  const auto typo = error_of(agent_with_llm("    provider: openai\n    max_token: 5\n"), env);
  EXPECT_TRUE(contains(typo.what(), "did you mean 'max_tokens'")) << typo.what();
  const auto unknown = error_of(agent_with_llm("    provider: mistral\n"), env);
  EXPECT_TRUE(contains(unknown.what(), "openai_compatible")) << unknown.what();
}

}  // namespace
}  // namespace patter::app
