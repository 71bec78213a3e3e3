// A fallback chain of the real OpenAI and Anthropic clients against their fakes on 127.0.0.1:
// switch-over before output (5xx, auth, timeout, disconnect), retries per provider, the
// message when all fail, recovery on the manual clock, failures after output, cancellation.

#include "providers/fallback/fallback_llm.hpp"

#include <chrono>

#include "fakes/fake_anthropic.hpp"
#include "fakes/fake_openai_chat.hpp"
#include "fallback_test_support.hpp"
#include "providers/llm/anthropic_llm.hpp"
#include "providers/llm/openai_chat_llm.hpp"

namespace patter::providers::testing {
namespace {

using fakes::FakeAnthropic;
using fakes::FakeAnthropicReply;
using fakes::FakeChatReply;
using fakes::FakeOpenAiChat;
using std::chrono::milliseconds;
using std::chrono::seconds;

class FallbackLlmTest : public FallbackTest {
 protected:
  // One attempt per client, so every request the fakes count is one the chain made.
  template <typename Fake>
  static ChatConfig aimed_at(const Fake& fake, ChatConfig config) {
    config.base_url = fake.base_url();
    config.api_key = fake.options().api_key;
    config.max_attempts = 1;
    config.request_timeout = seconds(5);
    config.first_token_timeout = seconds(5);
    config.extra_ca_pem = fake.certificate_pem();
    return config;
  }
  [[nodiscard]] ChatConfig openai_config() const {
    return aimed_at(openai_, config_for(openai_preset()));
  }
  [[nodiscard]] ChatConfig anthropic_config_for_fake() const {
    return aimed_at(anthropic_, anthropic_config());
  }

  [[nodiscard]] std::shared_ptr<FallbackLlm> chain(ChatConfig first, ChatConfig second,
                                                   FallbackSettings chain_settings) const {
    return std::make_shared<FallbackLlm>(
        std::vector<std::shared_ptr<LlmProvider>>{std::make_shared<OpenAiChatLlm>(std::move(first)),
                                                  std::make_shared<AnthropicLlm>(std::move(second))},
        std::move(chain_settings));
  }
  [[nodiscard]] std::shared_ptr<FallbackLlm> chain() const {
    return chain(openai_config(), anthropic_config_for_fake(), settings());
  }

  static LlmRequest hello() {
    LlmRequest request;
    request.messages = {ChatMessage{Role::system, "Be brief.", {}, {}, {}},
                        ChatMessage{Role::user, "Hello?", {}, {}, {}}};
    return request;
  }

  // Streams one reply to its end and returns what arrived.
  LlmRecorder reply(LlmProvider& llm, LlmRecorder recorder = {}) {
    auto stream = llm.stream(context(), hello(), recorder.events());
    EXPECT_TRUE(run_until([&] { return recorder.ended(); }));
    run_for(milliseconds(20));
    return recorder;
  }

  FakeOpenAiChat openai_;
  FakeAnthropic anthropic_;
};

TEST_F(FallbackLlmTest, TheFirstProviderAnswersWhileItIsHealthy) {
  openai_.enqueue(FakeChatReply::text({"From", " OpenAI."}));
  auto llm = chain();
  EXPECT_EQ(llm->name(), "openai");
  EXPECT_EQ(llm->model(), "gpt-4o-mini");
  const auto got = reply(*llm);
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.text, "From OpenAI.");
  EXPECT_EQ(got.order, (std::vector<std::string>{"text", "text", "usage", "done"}));
  EXPECT_EQ(got.usages.at(0).model, "gpt-4o-mini");
  EXPECT_EQ(openai_.requests().size(), 1u);
  EXPECT_TRUE(anthropic_.requests().empty());
}

TEST_F(FallbackLlmTest, ServerErrorsAreRetriedOnceThenTheNextProviderAnswers) {
  openai_.enqueue(FakeChatReply::server_error(503));
  openai_.enqueue(FakeChatReply::server_error(500));
  auto llm = chain();
  const auto got = reply(*llm);
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.text, "Hello there!");
  EXPECT_EQ(got.done, FinishReason::stop);
  EXPECT_EQ(openai_.requests().size(), 2u) << "one retry on the same provider";
  EXPECT_EQ(anthropic_.requests().size(), 1u);
  EXPECT_FALSE(llm->health().healthy(0));
  EXPECT_EQ(llm->name(), "anthropic");
}

TEST_F(FallbackLlmTest, RetriesPerProviderFollowTheSetting) {
  for (int i = 0; i < 3; ++i) openai_.enqueue(FakeChatReply::server_error(502));
  auto chain_settings = settings();
  chain_settings.max_retry_per_provider = 2;
  auto llm = chain(openai_config(), anthropic_config_for_fake(), chain_settings);
  const auto got = reply(*llm);
  EXPECT_EQ(got.text, "Hello there!");
  EXPECT_EQ(openai_.requests().size(), 3u);
  EXPECT_EQ(anthropic_.requests().size(), 1u);

  // A retry that succeeds keeps the provider: no switch, and it stays healthy.
  openai_.enqueue(FakeChatReply::server_error(502));
  openai_.enqueue(FakeChatReply::text({"Second", " try."}));
  clock_->advance(seconds(30));
  const auto again = reply(*llm);
  EXPECT_EQ(again.text, "Second try.");
  EXPECT_EQ(openai_.requests().size(), 5u);
  EXPECT_EQ(anthropic_.requests().size(), 1u);
  EXPECT_TRUE(llm->health().healthy(0));
}

TEST_F(FallbackLlmTest, AnAuthenticationFailureSwitches) {
  auto wrong_key = openai_config();
  wrong_key.api_key = "sk-wrong-key-0000000000";
  auto chain_settings = settings();
  chain_settings.max_retry_per_provider = 0;
  auto llm = chain(wrong_key, anthropic_config_for_fake(), chain_settings);
  const auto got = reply(*llm);
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.text, "Hello there!");
  ASSERT_EQ(openai_.requests().size(), 1u);
  EXPECT_FALSE(openai_.requests()[0].rejection.empty());
}

TEST_F(FallbackLlmTest, AFirstTokenTimeoutSwitches) {
  auto late = FakeChatReply::text({"late"});
  late.time_to_first_token = seconds(5);
  openai_.enqueue(late);
  openai_.enqueue(late);
  auto impatient = openai_config();
  impatient.first_token_timeout = milliseconds(100);
  auto llm = chain(impatient, anthropic_config_for_fake(), settings());
  const auto got = reply(*llm);
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.text, "Hello there!");
  EXPECT_EQ(openai_.requests().size(), 2u);
}

TEST_F(FallbackLlmTest, ADisconnectBeforeOutputSwitches) {
  auto dropped = FakeChatReply::text({"never"});
  dropped.disconnect_after = 0;
  openai_.enqueue(dropped);
  openai_.enqueue(dropped);
  auto llm = chain();
  const auto got = reply(*llm);
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.deltas, (std::vector<std::string>{"Hel", "lo there", "!"}));
  EXPECT_EQ(anthropic_.requests().size(), 1u);
}

TEST_F(FallbackLlmTest, WhenEveryProviderFailsOneErrorNamesEachFailure) {
  openai_.enqueue(FakeChatReply::server_error(500));
  openai_.enqueue(FakeChatReply::server_error(500));
  auto wrong_key = anthropic_config_for_fake();
  wrong_key.api_key = "sk-ant-wrong-000000000000";
  auto llm = chain(openai_config(), wrong_key, settings());
  const auto got = reply(*llm);
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_EQ(got.order, (std::vector<std::string>{"error"}));
  const auto& message = got.error();
  EXPECT_TRUE(contains(message, "fallback: every provider failed: [1] openai: server error (HTTP 500"))
      << message;
  EXPECT_TRUE(contains(message, "(after 2 attempts); [2] anthropic: authentication failed"))
      << message;
  EXPECT_FALSE(contains(message, "sk-ant-wrong")) << message;
  EXPECT_EQ(anthropic_.requests().size(), 2u);
}

TEST_F(FallbackLlmTest, AFailedProviderIsSkippedUntilTheRecoveryIntervalHasPassed) {
  openai_.enqueue(FakeChatReply::server_error(503));
  openai_.enqueue(FakeChatReply::server_error(503));
  auto llm = chain();
  EXPECT_EQ(reply(*llm).text, "Hello there!");
  ASSERT_EQ(openai_.requests().size(), 2u);

  clock_->advance(seconds(29));
  anthropic_.enqueue(FakeAnthropicReply::text({"Still", " Claude."}));
  EXPECT_EQ(reply(*llm).text, "Still Claude.");
  EXPECT_EQ(openai_.requests().size(), 2u) << "skipped before the interval";
  EXPECT_EQ(llm->name(), "anthropic");

  clock_->advance(seconds(1));
  EXPECT_EQ(llm->name(), "openai");
  openai_.enqueue(FakeChatReply::text({"OpenAI", " again."}));
  EXPECT_EQ(reply(*llm).text, "OpenAI again.");
  EXPECT_EQ(openai_.requests().size(), 3u);
  EXPECT_EQ(anthropic_.requests().size(), 2u);
}

TEST_F(FallbackLlmTest, UsageIsBilledToTheModelThatAnswered) {
  openai_.enqueue(FakeChatReply::server_error(500));
  openai_.enqueue(FakeChatReply::server_error(500));
  auto llm = chain();
  LlmRecorder recorder;
  std::string model_at_usage;
  recorder.on_usage = [&] { model_at_usage = llm->model(); };
  const auto got = reply(*llm, recorder);
  ASSERT_EQ(got.usages.size(), 1u);
  EXPECT_EQ(got.usages[0].input_tokens, 25);
  EXPECT_EQ(got.usages[0].output_tokens, 12);
  EXPECT_EQ(model_at_usage, "claude-haiku-4-5-20251001");
  EXPECT_EQ(got.usages[0].model, "claude-haiku-4-5-20251001") << "the usage names its model";
}

TEST_F(FallbackLlmTest, AFailureAfterOutputIsPassedOnAndTheProviderIsSkippedNextTime) {
  auto cut = FakeChatReply::text({"one", " two", " three"});
  cut.disconnect_after = 2;
  openai_.enqueue(cut);
  auto llm = chain();
  const auto got = reply(*llm);
  EXPECT_EQ(got.text, "one two");
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_TRUE(contains(got.error(), "openai: connection lost")) << got.error();
  EXPECT_FALSE(got.done.has_value());
  EXPECT_TRUE(anthropic_.requests().empty()) << "the caller already had part of the reply";
  EXPECT_EQ(openai_.requests().size(), 1u);

  EXPECT_EQ(reply(*llm).text, "Hello there!");
  EXPECT_EQ(anthropic_.requests().size(), 1u);
  EXPECT_EQ(openai_.requests().size(), 1u);
}

TEST_F(FallbackLlmTest, CancelMidStreamStopsEverythingAndDropsTheConnection) {
  auto slow = FakeChatReply::text({"a", "b", "c", "d", "e", "f", "g", "h"});
  slow.inter_token_delay = milliseconds(30);
  openai_.enqueue(slow);
  auto llm = chain();
  LlmRecorder recorder;
  std::unique_ptr<LlmStream> stream;
  recorder.after_text = [&] {
    if (recorder.deltas.size() == 2) stream->cancel();
  };
  stream = llm->stream(context(), hello(), recorder.events());
  ASSERT_TRUE(run_until([&] { return recorder.deltas.size() >= 2; }));
  EXPECT_TRUE(run_until([&] { return openai_.client_disconnects() == 1; }));
  run_for(milliseconds(300));
  EXPECT_EQ(recorder.text, "ab");
  EXPECT_FALSE(recorder.ended());
  EXPECT_TRUE(anthropic_.requests().empty());
  EXPECT_TRUE(llm->health().healthy(0)) << "a cancel is not a failure";
}

}  // namespace
}  // namespace patter::providers::testing
