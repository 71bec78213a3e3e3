// The Anthropic Messages client against the fake Anthropic server: streaming, tools, usage,
// cancellation, warmup and connection reuse.

#include "providers/llm/anthropic_llm.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/error.hpp"
#include "fakes/fake_anthropic.hpp"
#include "llm_test_support.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;
using fakes::FakeAnthropic;
using fakes::FakeAnthropicReply;
using fakes::FakeAnthropicToolUse;
using std::chrono::milliseconds;

class AnthropicLlmTest : public testing::ChatClientTest {
 protected:
  [[nodiscard]] ChatConfig config() const { return aimed_at(fake_, anthropic_config()); }

  json::object request_body(std::size_t index) {
    const auto requests = fake_.requests();
    if (requests.size() <= index) {
      ADD_FAILURE() << "no request " << index;
      return {};
    }
    EXPECT_EQ(requests[index].rejection, "");
    return json::parse(requests[index].body).as_object();
  }

  FakeAnthropic fake_;
};

TEST_F(AnthropicLlmTest, StreamsTextThenUsageThenDone) {
  auto script = FakeAnthropicReply::text({"Hello", " there,", " friend!"});
  script.ping_every = 1;
  fake_.enqueue(script);
  AnthropicLlm llm(config());
  const auto got = reply(llm);
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.deltas, (std::vector<std::string>{"Hello", " there,", " friend!"}));
  EXPECT_EQ(got.order, (std::vector<std::string>{"text", "text", "text", "usage", "done"}));
  EXPECT_EQ(got.done, FinishReason::stop);
  EXPECT_EQ(llm.name(), "anthropic");
  EXPECT_EQ(llm.model(), "claude-haiku-4-5-20251001");
  EXPECT_EQ(fake_.completed_streams(), 1u);
}

TEST_F(AnthropicLlmTest, SendsAFaithfulRequest) {
  auto settings = config();
  settings.temperature = 0.5;
  settings.headers = {{"anthropic-beta", "fake-feature-2025-01-01"}};
  AnthropicLlm llm(settings);
  auto request = hello_request();
  request.tools = {ToolSchema{"get_weather", "Weather by city",
                              R"({"type":"object","properties":{"city":{"type":"string"}}})"}};
  const auto got = reply(llm, request);
  EXPECT_EQ(got.error(), "");
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("x-api-key"), fake_.options().api_key);
  EXPECT_EQ(requests[0].header("anthropic-version"), "2023-06-01");
  EXPECT_EQ(requests[0].header("anthropic-beta"), "fake-feature-2025-01-01");
  EXPECT_EQ(requests[0].header("Content-Type"), "application/json");
  EXPECT_FALSE(requests[0].header("Authorization"));
  const auto body = request_body(0);
  EXPECT_EQ(body.at("model"), "claude-haiku-4-5-20251001");
  EXPECT_EQ(body.at("max_tokens"), 1024);
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_DOUBLE_EQ(body.at("temperature").as_double(), 0.5);
  EXPECT_EQ(body.at("system").at(0).at("text"), "Be brief.");
  EXPECT_EQ(body.at("system").at(0).at("cache_control").at("type"), "ephemeral");
  EXPECT_EQ(body.at("messages").as_array().size(), 1u);
  EXPECT_EQ(body.at("tools").at(0).at("input_schema").at("type"), "object");
  EXPECT_EQ(body.at("tools").at(0).at("cache_control").at("type"), "ephemeral");
}

TEST_F(AnthropicLlmTest, ToolCallRoundTrip) {
  fake_.enqueue(FakeAnthropicReply::tools(
      {FakeAnthropicToolUse{"toolu_01A", "get_weather", {"{\"city\"", ": \"Ro", "me\"}"}},
       FakeAnthropicToolUse{"toolu_01B", "get_time", {}}},
      {"Let me", " check."}));
  AnthropicLlm llm(config());
  auto request = hello_request();
  request.tools = {ToolSchema{"get_weather", "", ""}, ToolSchema{"get_time", "", ""}};
  const auto got = reply(llm, request);
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.text, "Let me check.");
  ASSERT_EQ(got.tool_calls.size(), 2u);
  EXPECT_EQ(got.tool_calls[0], (ToolCall{"toolu_01A", "get_weather", R"({"city": "Rome"})"}));
  EXPECT_EQ(got.tool_calls[1], (ToolCall{"toolu_01B", "get_time", "{}"}));
  EXPECT_EQ(got.done, FinishReason::tool_calls);
  EXPECT_EQ(got.order, (std::vector<std::string>{"text", "text", "tool", "tool", "usage", "done"}));

  // The session's next request: the calls and their results, which the fake checks pair up.
  request.messages.push_back(ChatMessage{Role::assistant, got.text, got.tool_calls, {}, {}});
  request.messages.push_back(
      ChatMessage{Role::tool, R"({"sky":"clear"})", {}, "toolu_01A", "get_weather"});
  request.messages.push_back(ChatMessage{Role::tool, "12:00", {}, "toolu_01B", "get_time"});
  fake_.enqueue(FakeAnthropicReply::text({"Clear skies."}));
  const auto answer = reply(llm, request);
  EXPECT_EQ(answer.error(), "");
  EXPECT_EQ(answer.text, "Clear skies.");
  const auto body = request_body(1);
  const auto& messages = body.at("messages").as_array();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[1].at("content").at(1).at("type"), "tool_use");
  EXPECT_EQ(messages[1].at("content").at(1).at("input").at("city"), "Rome");
  const auto& results = messages[2].at("content").as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].at("type"), "tool_result");
  EXPECT_EQ(results[0].at("tool_use_id"), "toolu_01A");
  EXPECT_EQ(results[0].at("content"), R"({"sky":"clear"})");
  EXPECT_EQ(results[1].at("tool_use_id"), "toolu_01B");
}

TEST_F(AnthropicLlmTest, AGreetingFirstConversationIsAccepted) {
  AnthropicLlm llm(config());
  LlmRequest request;
  request.messages = {ChatMessage{Role::system, "Front desk.", {}, {}, {}},
                      ChatMessage{Role::assistant, "Harbour Hotel, good evening.", {}, {}, {}},
                      ChatMessage{Role::user, "Hi there", {}, {}, {}}};
  EXPECT_EQ(reply(llm, request).error(), "");
}

TEST_F(AnthropicLlmTest, UsageCarriesCacheReadsAndWrites) {
  auto script = FakeAnthropicReply::text({"Hi"});
  script.usage = fakes::FakeAnthropicUsage{14, 33, 0, 2048};
  fake_.enqueue(script);
  auto first_turn = FakeAnthropicReply::text({"Hi"});
  first_turn.usage = fakes::FakeAnthropicUsage{14, 20, 2048, 0};
  fake_.enqueue(first_turn);
  AnthropicLlm llm(config());
  const auto cached = reply(llm);
  ASSERT_EQ(cached.usages.size(), 1u);
  EXPECT_EQ(cached.usages[0].input_tokens, 14);
  EXPECT_EQ(cached.usages[0].output_tokens, 33);
  EXPECT_EQ(cached.usages[0].cache_read_tokens, 2048);
  EXPECT_EQ(cached.usages[0].cache_write_tokens, 0);
  const auto written = reply(llm);
  ASSERT_EQ(written.usages.size(), 1u);
  EXPECT_EQ(written.usages[0].cache_write_tokens, 2048);
  EXPECT_EQ(written.usages[0].cache_read_tokens, 0);
}

TEST_F(AnthropicLlmTest, ThinkingBlocksAreNotSpoken) {
  auto script = FakeAnthropicReply::text({"Sure."});
  script.thinking = true;
  fake_.enqueue(script);
  AnthropicLlm llm(config());
  const auto got = reply(llm);
  EXPECT_EQ(got.text, "Sure.");
  EXPECT_EQ(got.done, FinishReason::stop);
}

TEST_F(AnthropicLlmTest, ReusesTheConnectionAcrossTurns) {
  AnthropicLlm llm(config());
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(reply(llm).text, "Hello there!");
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].connection_id, requests[1].connection_id);
  EXPECT_EQ(fake_.connections(), 1u);
}

TEST_F(AnthropicLlmTest, WarmupConnectsWithoutARequest) {
  AnthropicLlm llm(config());
  llm.warmup(context());
  ASSERT_TRUE(run_until([&] { return fake_.connections() == 1; }));
  EXPECT_TRUE(run_until_idle());
  EXPECT_TRUE(fake_.requests().empty());
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(fake_.connections(), 1u);
}

TEST_F(AnthropicLlmTest, CancelMidStreamStopsEventsAndClosesTheConnection) {
  auto script = FakeAnthropicReply::text({"one", " two", " three", " four", " five"});
  script.inter_token_delay = milliseconds(30);
  fake_.enqueue(script);
  AnthropicLlm llm(config());
  testing::Recorder got;
  std::unique_ptr<LlmStream> stream;
  got.after_text = [&] {
    if (got.deltas.size() == 2) stream->cancel();
  };
  stream = llm.stream(context(), hello_request(), got.events());
  ASSERT_TRUE(run_until([&] { return fake_.client_disconnects() == 1; }));
  EXPECT_TRUE(run_until_idle());
  EXPECT_EQ(got.order, (std::vector<std::string>{"text", "text"}));
  EXPECT_EQ(fake_.completed_streams(), 0u);
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(fake_.connections(), 2u) << "the cancelled connection was not pooled";
}

TEST_F(AnthropicLlmTest, WorksOverTls) {
  fakes::FakeAnthropicOptions options;
  options.tls = true;
  FakeAnthropic secure(options);
  AnthropicLlm llm(aimed_at(secure, anthropic_config()));
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(secure.connections(), 1u);
}

TEST_F(AnthropicLlmTest, AHundredConcurrentStreams) {
  constexpr std::size_t kStreams = 100;
  auto settings = config();
  settings.max_idle_connections = kStreams;
  AnthropicLlm llm(settings);
  std::vector<testing::Recorder> got(kStreams);
  std::vector<std::unique_ptr<LlmStream>> streams;
  for (auto& recorder : got)
    streams.push_back(llm.stream(context(), hello_request(), recorder.events()));
  ASSERT_TRUE(run_until(
      [&] {
        return std::all_of(got.begin(), got.end(),
                           [](const testing::Recorder& r) { return r.ended(); });
      },
      std::chrono::seconds(30)));
  for (const auto& recorder : got) EXPECT_EQ(recorder.text, "Hello there!");
  // The client can read a stream's end before the fake's coroutine records it as completed.
  EXPECT_TRUE(run_until([&] { return fake_.completed_streams() == kStreams; },
                        std::chrono::seconds(10)));
}

TEST_F(AnthropicLlmTest, ConfigIsChecked) {
  auto hot = config();
  hot.temperature = 1.5;
  EXPECT_THROW(AnthropicLlm{hot}, core::Error);
  auto keyless = config();
  keyless.api_key.clear();
  try {
    AnthropicLlm llm(keyless);
    FAIL() << "no error";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::missing_credential);
    EXPECT_NE(std::string(error.what()).find("ANTHROPIC_API_KEY"), std::string::npos);
  }
}

}  // namespace
}  // namespace patter::providers
