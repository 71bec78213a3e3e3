// The public factories of include/patter/llm.hpp.

#include <patter/llm.hpp>

#include <cstdlib>

#include "llm_test_support.hpp"

namespace patter::providers {
namespace {

using fakes::FakeOpenAiChat;
using fakes::FakeOpenAiChatOptions;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const ChatConfig& config_of(const std::shared_ptr<LlmProvider>& llm) {
  return dynamic_cast<const OpenAiChatLlm&>(*llm).config();
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

TEST(LlmFactories, OpenAiDefaults) {
  const ScopedEnv key("OPENAI_API_KEY", "sk-test-env-000000");
  const auto llm = llm::openai();
  EXPECT_EQ(llm->name(), "openai");
  EXPECT_EQ(llm->model(), "gpt-4o-mini");
  EXPECT_EQ(config_of(llm).base_url, "https://api.openai.com/v1");
  EXPECT_EQ(config_of(llm).api_key, "sk-test-env-000000");
}

TEST(LlmFactories, MissingKeyNamesTheVariable) {
  const ScopedEnv key("OPENAI_API_KEY", nullptr);
  try {
    (void)llm::openai();
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "OPENAI_API_KEY")) << error.what();
  }
  const ScopedEnv groq_key("GROQ_API_KEY", nullptr);
  EXPECT_THROW((void)llm::groq(), std::invalid_argument);
}

TEST(LlmFactories, Presets) {
  llm::OpenAiOptions options;
  options.api_key = "explicit-key-123456";
  const auto groq = llm::groq(options);
  EXPECT_EQ(groq->name(), "groq");
  EXPECT_EQ(groq->model(), "llama-3.3-70b-versatile");
  EXPECT_EQ(config_of(groq).base_url, "https://api.groq.com/openai/v1");
  const auto cerebras = llm::cerebras(options);
  EXPECT_EQ(cerebras->model(), "gpt-oss-120b");
  EXPECT_EQ(config_of(cerebras).base_url, "https://api.cerebras.ai/v1");
  options.model = "gpt-4.1";
  options.organization = "org-1";
  const auto openai = llm::openai(options);
  EXPECT_EQ(openai->model(), "gpt-4.1");
  EXPECT_EQ(config_of(openai).headers.at(0).first, "OpenAI-Organization");
}

TEST(LlmFactories, OpenAiCompatibleNeedsAModelAndAnHttpUrl) {
  llm::OpenAiOptions options;
  options.model = "llama3.2";
  const auto ollama = llm::openai_compatible("http://localhost:11434/v1", options);
  EXPECT_EQ(ollama->name(), "openai_compatible");
  EXPECT_EQ(config_of(ollama).api_key, "");
  EXPECT_THROW((void)llm::openai_compatible("http://localhost:11434/v1"), std::invalid_argument);
  EXPECT_THROW((void)llm::openai_compatible("ws://localhost:11434/v1", options),
               std::invalid_argument);
  EXPECT_THROW((void)llm::openai_compatible("not a url", options), std::invalid_argument);
}

class CompatibleServerTest : public testing::ChatClientTest {};

TEST_F(CompatibleServerTest, NoKeyMeansNoAuthorizationHeader) {
  FakeOpenAiChatOptions options;
  options.api_key.clear();
  FakeOpenAiChat server(options);
  llm::OpenAiOptions llm_options;
  llm_options.model = "qwen2.5:7b";
  llm_options.max_tokens = 64;
  const auto llm = llm::openai_compatible(server.base_url(), llm_options);
  const auto got = reply(*llm);
  EXPECT_EQ(got.text, "Hello there!");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_FALSE(requests[0].header("Authorization"));
  EXPECT_TRUE(contains(requests[0].body, "\"max_tokens\":64")) << requests[0].body;
}

}  // namespace
}  // namespace patter::providers
