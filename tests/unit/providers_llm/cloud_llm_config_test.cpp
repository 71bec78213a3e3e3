// Agent files and public factories naming the Anthropic and Gemini clients.

#include <gtest/gtest.h>

#include <patter/llm.hpp>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "app/agent_config.hpp"
#include "core/error.hpp"
#include "providers/llm/anthropic_llm.hpp"
#include "providers/llm/gemini_llm.hpp"

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

AgentFile load(const std::string& llm_section, std::map<std::string, std::string> env) {
  ProviderRuntime runtime;
  return parse_agent_yaml("agent:\n  system_prompt: Be brief.\n  llm:\n" + llm_section,
                          "agent.yaml", runtime, fake_env(std::move(env)));
}

core::Error error_of(const std::string& llm_section, std::map<std::string, std::string> env = {}) {
  try {
    (void)load(llm_section, std::move(env));
  } catch (const core::Error& error) {
    return error;
  }
  ADD_FAILURE() << "no error for:\n" << llm_section;
  return core::Error(core::Errc::internal, "");
}

const providers::ChatConfig& config_of(const LlmProvider& llm) {
  return dynamic_cast<const providers::StreamingLlm&>(llm).config();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CloudLlmConfig, AnthropicDefaults) {
  const auto file = load("    provider: anthropic\n", {{"ANTHROPIC_API_KEY", "sk-ant-env-1234"}});
  ASSERT_TRUE(dynamic_cast<const providers::AnthropicLlm*>(file.agent.llm.get()));
  EXPECT_EQ(file.agent.llm->name(), "anthropic");
  EXPECT_EQ(file.agent.llm->model(), "claude-haiku-4-5-20251001");
  const auto& config = config_of(*file.agent.llm);
  EXPECT_EQ(config.api_key, "sk-ant-env-1234");
  EXPECT_EQ(config.base_url, "https://api.anthropic.com");
  EXPECT_EQ(config.max_tokens, 1024);
  EXPECT_TRUE(config.prompt_caching);
}

TEST(CloudLlmConfig, AnthropicEveryKey) {
  const auto file = load(R"(    provider: anthropic
    model: claude-sonnet-4-6
    base_url: https://proxy.example.com/anthropic
    api_key: ${MY_KEY}
    temperature: 0.2
    max_tokens: 400
    prompt_caching: false
    request_timeout_ms: 20000
    first_token_timeout_ms: 3000
)",
                         {{"MY_KEY", "sk-ant-mine-5678"}});
  const auto& config = config_of(*file.agent.llm);
  EXPECT_EQ(config.model, "claude-sonnet-4-6");
  EXPECT_EQ(config.base_url, "https://proxy.example.com/anthropic");
  EXPECT_EQ(config.api_key, "sk-ant-mine-5678");
  EXPECT_EQ(config.temperature, 0.2);
  EXPECT_EQ(config.max_tokens, 400);
  EXPECT_FALSE(config.prompt_caching);
  EXPECT_EQ(config.request_timeout, milliseconds(20000));
  EXPECT_EQ(config.first_token_timeout, milliseconds(3000));
}

TEST(CloudLlmConfig, AnthropicErrors) {
  const auto missing = error_of("    provider: anthropic\n");
  EXPECT_EQ(missing.code(), core::Errc::missing_credential);
  EXPECT_TRUE(contains(missing.what(), "ANTHROPIC_API_KEY")) << missing.what();
  const std::map<std::string, std::string> env{{"ANTHROPIC_API_KEY", "sk-ant-env-1234"}};
  const auto hot = error_of("    provider: anthropic\n    temperature: 1.5\n", env);
  EXPECT_TRUE(contains(hot.what(), "agent.llm.temperature")) << hot.what();
  const auto typo = error_of("    provider: anthropic\n    prompt_cachng: true\n", env);
  EXPECT_TRUE(contains(typo.what(), "did you mean 'prompt_caching'")) << typo.what();
  const auto gemini_key = error_of("    provider: gemini\n    prompt_caching: true\n",
                                   {{"GEMINI_API_KEY", "AIza-env"}});
  EXPECT_TRUE(contains(gemini_key.what(), "unknown key")) << gemini_key.what();
}

TEST(CloudLlmConfig, GeminiDefaultsAndItsTwoVariables) {
  const auto file = load("    provider: gemini\n", {{"GEMINI_API_KEY", "AIza-gemini-key"}});
  ASSERT_TRUE(dynamic_cast<const providers::GeminiLlm*>(file.agent.llm.get()));
  EXPECT_EQ(file.agent.llm->model(), "gemini-2.5-flash");
  EXPECT_EQ(config_of(*file.agent.llm).base_url, "https://generativelanguage.googleapis.com");
  EXPECT_EQ(config_of(*file.agent.llm).api_key_variable, "GEMINI_API_KEY");
  const auto google = load("    provider: gemini\n    model: gemini-2.5-pro\n    max_tokens: 99\n",
                           {{"GOOGLE_API_KEY", "AIza-google-key"}});
  EXPECT_EQ(config_of(*google.agent.llm).api_key, "AIza-google-key");
  EXPECT_EQ(config_of(*google.agent.llm).api_key_variable, "GOOGLE_API_KEY");
  EXPECT_EQ(config_of(*google.agent.llm).max_tokens, 99);
  const auto both = load("    provider: gemini\n",
                         {{"GEMINI_API_KEY", "AIza-first"}, {"GOOGLE_API_KEY", "AIza-second"}});
  EXPECT_EQ(config_of(*both.agent.llm).api_key, "AIza-first");
  const auto missing = error_of("    provider: gemini\n");
  EXPECT_EQ(missing.code(), core::Errc::missing_credential);
  EXPECT_TRUE(contains(missing.what(), "GEMINI_API_KEY")) << missing.what();
  const auto url = error_of("    provider: gemini\n    base_url: ftp://x\n",
                            {{"GEMINI_API_KEY", "AIza-gemini-key"}});
  EXPECT_TRUE(contains(url.what(), "agent.llm.base_url")) << url.what();
}

// Sets an environment variable for one test, restoring the old value afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(CloudLlmFactories, Anthropic) {
  const ScopedEnv key("ANTHROPIC_API_KEY", "sk-ant-factory-1");
  llm::AnthropicOptions options;
  options.prompt_caching = false;
  options.max_tokens = 200;
  options.extra_headers = {{"anthropic-beta", "x"}};
  const auto made = llm::anthropic(options);
  EXPECT_EQ(made->name(), "anthropic");
  const auto& config = config_of(*made);
  EXPECT_EQ(config.api_key, "sk-ant-factory-1");
  EXPECT_FALSE(config.prompt_caching);
  EXPECT_EQ(config.max_tokens, 200);
  EXPECT_EQ(config.headers.size(), 1u);
  EXPECT_EQ(config_of(*llm::anthropic()).max_tokens, 1024);
  llm::AnthropicOptions hot;
  hot.temperature = 1.2;
  EXPECT_THROW((void)llm::anthropic(hot), std::invalid_argument);
}

TEST(CloudLlmFactories, AnthropicWithoutAKeyNamesTheVariable) {
  const ScopedEnv key("ANTHROPIC_API_KEY", nullptr);
  try {
    (void)llm::anthropic();
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "ANTHROPIC_API_KEY")) << error.what();
  }
}

TEST(CloudLlmFactories, GeminiKeyFromEitherVariable) {
  const ScopedEnv gemini_key("GEMINI_API_KEY", nullptr);
  {
    const ScopedEnv google_key("GOOGLE_API_KEY", "AIza-google");
    const auto made = llm::gemini();
    EXPECT_EQ(made->model(), "gemini-2.5-flash");
    EXPECT_EQ(config_of(*made).api_key, "AIza-google");
    EXPECT_EQ(config_of(*made).api_key_variable, "GOOGLE_API_KEY");
  }
  const ScopedEnv google_key("GOOGLE_API_KEY", nullptr);
  try {
    (void)llm::gemini();
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "GEMINI_API_KEY or GOOGLE_API_KEY")) << error.what();
  }
  llm::GeminiOptions options;
  options.api_key = "AIza-given";
  options.model = "gemini-2.5-pro";
  EXPECT_EQ(llm::gemini(options)->model(), "gemini-2.5-pro");
}

}  // namespace
}  // namespace patter::app
