#include "providers/llm/openai_chat_llm.hpp"

#include <boost/json.hpp>
#include <thread>

#include "core/manual_executor.hpp"
#include "llm_test_support.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;
using fakes::FakeChatReply;
using fakes::FakeChatToolCall;
using fakes::FakeChatToolStyle;
using fakes::FakeOpenAiChat;
using fakes::FakeOpenAiChatOptions;
using std::chrono::milliseconds;

class OpenAiChatLlmTest : public testing::ChatClientTest {
 protected:
  json::object only_request_body() {
    const auto requests = fake_.requests();
    EXPECT_EQ(requests.size(), 1u);
    if (requests.empty()) return {};
    EXPECT_EQ(requests[0].rejection, "");
    return json::parse(requests[0].body).as_object();
  }

  FakeOpenAiChat fake_;
};

TEST_F(OpenAiChatLlmTest, StreamsTextThenUsageThenDone) {
  fake_.enqueue(FakeChatReply::text({"Hello", " there,", " friend!"}));
  OpenAiChatLlm llm(config_for_fake(fake_));
  const auto got = reply(llm);
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.deltas, (std::vector<std::string>{"Hello", " there,", " friend!"}));
  EXPECT_EQ(got.done, FinishReason::stop);
  EXPECT_EQ(got.order, (std::vector<std::string>{"text", "text", "text", "usage", "done"}));
  ASSERT_EQ(got.usages.size(), 1u);
  EXPECT_EQ(got.usages[0].input_tokens, 20);
  EXPECT_EQ(got.usages[0].output_tokens, 5);
  EXPECT_EQ(llm.name(), "openai");
  EXPECT_EQ(llm.model(), "gpt-4o-mini");
}

TEST_F(OpenAiChatLlmTest, SendsAFaithfulRequest) {
  auto config = config_for_fake(fake_);
  config.temperature = 0.2;
  config.max_tokens = 120;
  config.headers = {{"OpenAI-Organization", "org-fake"}, {"X-Trace", "t1"}};
  OpenAiChatLlm llm(config);
  auto request = hello_request();
  request.tools = {ToolSchema{"get_weather", "Weather by city",
                              R"({"type":"object","properties":{"city":{"type":"string"}}})"}};
  (void)reply(llm, request);
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("Authorization"), "Bearer " + fake_.options().api_key);
  EXPECT_EQ(requests[0].header("Content-Type"), "application/json");
  EXPECT_EQ(requests[0].header("Accept"), "text/event-stream");
  EXPECT_EQ(requests[0].header("OpenAI-Organization"), "org-fake");
  EXPECT_EQ(requests[0].header("X-Trace"), "t1");
  EXPECT_FALSE(requests[0].header("Content-Encoding"));
  const auto body = only_request_body();
  EXPECT_EQ(body.at("model"), "gpt-4o-mini");
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_EQ(body.at("stream_options").at("include_usage"), true);
  EXPECT_EQ(body.at("max_completion_tokens"), 120);
  EXPECT_DOUBLE_EQ(body.at("temperature").as_double(), 0.2);
  EXPECT_EQ(body.at("messages").as_array().size(), 2u);
  EXPECT_EQ(body.at("tools").at(0).at("function").at("name"), "get_weather");
}

TEST_F(OpenAiChatLlmTest, AssemblesInterleavedToolCallsInIndexOrder) {
  fake_.enqueue(FakeChatReply::tools(
      {FakeChatToolCall{"call_w", "get_weather", {"{\"ci", "ty\":\"Ro", "me\"}"}},
       FakeChatToolCall{"call_t", "get_time", {"{\"zone\":", "\"CET\"}"}}},
      FakeChatToolStyle::interleaved));
  OpenAiChatLlm llm(config_for_fake(fake_));
  auto request = hello_request();
  request.tools = {ToolSchema{"get_weather", "", ""}, ToolSchema{"get_time", "", ""}};
  const auto got = reply(llm, request);
  EXPECT_EQ(got.error(), "");
  ASSERT_EQ(got.tool_calls.size(), 2u);
  EXPECT_EQ(got.tool_calls[0], (ToolCall{"call_w", "get_weather", R"({"city":"Rome"})"}));
  EXPECT_EQ(got.tool_calls[1], (ToolCall{"call_t", "get_time", R"({"zone":"CET"})"}));
  EXPECT_EQ(got.done, FinishReason::tool_calls);
  EXPECT_EQ(got.order, (std::vector<std::string>{"tool", "tool", "usage", "done"}));
}

TEST_F(OpenAiChatLlmTest, OllamaStyleWholeToolCallWithStopFinish) {
  auto script =
      FakeChatReply::tools({FakeChatToolCall{"call_k3j2", "end_call", {R"({"reason":"done"})"}}},
                           FakeChatToolStyle::whole);
  script.finish_reason = "stop";
  fake_.enqueue(script);
  OpenAiChatLlm llm(config_for_fake(fake_));
  const auto got = reply(llm);
  ASSERT_EQ(got.tool_calls.size(), 1u);
  EXPECT_EQ(got.tool_calls[0].arguments, R"({"reason":"done"})");
  EXPECT_EQ(got.done, FinishReason::tool_calls);
}

TEST_F(OpenAiChatLlmTest, ToolRoundTripIsAcceptedByTheServer) {
  OpenAiChatLlm llm(config_for_fake(fake_));
  auto request = hello_request();
  request.messages.push_back(
      ChatMessage{Role::assistant, "", {ToolCall{"call_9", "lookup", R"({"q":"x"})"}}, {}, {}});
  request.messages.push_back(ChatMessage{Role::tool, R"({"answer":42})", {}, "call_9", "lookup"});
  request.tools = {ToolSchema{"lookup", "", ""}};
  const auto got = reply(llm, request);
  EXPECT_EQ(got.error(), "");
  const auto body = only_request_body();
  EXPECT_EQ(body.at("messages").at(3).at("tool_call_id"), "call_9");
}

TEST_F(OpenAiChatLlmTest, UsageReportsCachedPromptTokensApart) {
  auto script = FakeChatReply::text({"Hi"});
  script.usage = fakes::FakeChatUsage{1200, 50, 1024};
  fake_.enqueue(script);
  OpenAiChatLlm llm(config_for_fake(fake_));
  const auto got = reply(llm);
  ASSERT_EQ(got.usages.size(), 1u);
  EXPECT_EQ(got.usages[0].input_tokens, 176);
  EXPECT_EQ(got.usages[0].cache_read_tokens, 1024);
  EXPECT_EQ(got.usages[0].output_tokens, 50);
}

TEST_F(OpenAiChatLlmTest, GroqExtrasAreCountedOnce) {
  auto script = FakeChatReply::text({"Hi", " there"});
  script.groq_extras = true;
  fake_.enqueue(script);
  OpenAiChatLlm llm(config_for_fake(fake_));
  const auto got = reply(llm);
  EXPECT_EQ(got.text, "Hi there");
  EXPECT_EQ(got.usages.size(), 1u);
  EXPECT_EQ(got.done, FinishReason::stop);
}

TEST_F(OpenAiChatLlmTest, BodyEndingAfterTheFinishWithoutDoneStillCompletes) {
  auto script = FakeChatReply::text({"Fine"});
  script.send_done = false;
  fake_.enqueue(script);
  OpenAiChatLlm llm(config_for_fake(fake_));
  const auto got = reply(llm);
  EXPECT_EQ(got.text, "Fine");
  EXPECT_EQ(got.done, FinishReason::stop);
}

TEST_F(OpenAiChatLlmTest, ReusesTheConnectionAcrossTurns) {
  OpenAiChatLlm llm(config_for_fake(fake_));
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(reply(llm).text, "Hello there!");
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].connection_id, requests[1].connection_id);
  EXPECT_EQ(fake_.connections(), 1u);
}

TEST_F(OpenAiChatLlmTest, WarmupConnectsWithoutARequestAndTheReplyUsesThatConnection) {
  OpenAiChatLlm llm(config_for_fake(fake_));
  llm.warmup(context());
  ASSERT_TRUE(run_until([&] { return fake_.connections() == 1; }));
  EXPECT_TRUE(run_until_idle());
  EXPECT_TRUE(fake_.requests().empty());
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(fake_.connections(), 1u);
}

TEST_F(OpenAiChatLlmTest, CancelMidStreamStopsEventsAndClosesTheConnection) {
  auto script = FakeChatReply::text({"one", " two", " three", " four", " five"});
  script.inter_token_delay = milliseconds(30);
  fake_.enqueue(script);
  OpenAiChatLlm llm(config_for_fake(fake_));
  testing::Recorder got;
  std::unique_ptr<LlmStream> stream;
  got.after_text = [&] {
    if (got.deltas.size() == 2) stream->cancel();
  };
  stream = llm.stream(context(), hello_request(), got.events());
  ASSERT_TRUE(run_until([&] { return fake_.client_disconnects() == 1; }));
  EXPECT_TRUE(run_until_idle());
  EXPECT_EQ(got.deltas, (std::vector<std::string>{"one", " two"}));
  EXPECT_EQ(got.order, (std::vector<std::string>{"text", "text"}));
  EXPECT_EQ(fake_.completed_streams(), 0u);
  // The cancelled connection was closed, not pooled: the next turn opens another.
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(fake_.connections(), 2u);
}

TEST_F(OpenAiChatLlmTest, CancelBeforeTheFirstTokenDeliversNothing) {
  auto script = FakeChatReply::text({"late"});
  script.time_to_first_token = milliseconds(200);
  fake_.enqueue(script);
  OpenAiChatLlm llm(config_for_fake(fake_));
  testing::Recorder got;
  auto stream = llm.stream(context(), hello_request(), got.events());
  ASSERT_TRUE(run_until([&] { return fake_.requests().size() == 1; }));
  stream.reset();
  EXPECT_TRUE(run_until_idle());
  EXPECT_TRUE(got.order.empty());
}

TEST_F(OpenAiChatLlmTest, WorksOverTls) {
  FakeOpenAiChatOptions options;
  options.tls = true;
  FakeOpenAiChat secure(options);
  OpenAiChatLlm llm(config_for_fake(secure));
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(secure.connections(), 1u);
}

TEST_F(OpenAiChatLlmTest, OtherExecutorsGetEventsPosted) {
  OpenAiChatLlm llm(config_for_fake(fake_));
  auto manual = std::make_shared<core::ManualExecutor>();
  StreamContext elsewhere;
  elsewhere.executor = manual;
  testing::Recorder got;
  auto stream = llm.stream(elsewhere, hello_request(), got.events());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!got.ended() && std::chrono::steady_clock::now() < deadline) {
    if (manual->run_pending() == 0) std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_EQ(got.text, "Hello there!");
  EXPECT_EQ(got.done, FinishReason::stop);
}

TEST_F(OpenAiChatLlmTest, NullExecutorIsRejected) {
  OpenAiChatLlm llm(config_for_fake(fake_));
  testing::Recorder got;
  EXPECT_THROW((void)llm.stream(StreamContext{}, hello_request(), got.events()),
               std::invalid_argument);
}

TEST_F(OpenAiChatLlmTest, HundredsOfConcurrentStreams) {
  constexpr std::size_t kStreams = 200;
  FakeChatReply slow = FakeChatReply::text({"a", "b", "c"});
  slow.inter_token_delay = milliseconds(20);
  for (std::size_t i = 0; i < kStreams; ++i) fake_.enqueue(slow);
  auto config = config_for_fake(fake_);
  config.max_idle_connections = kStreams;
  OpenAiChatLlm llm(config);
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
  for (const auto& recorder : got) EXPECT_EQ(recorder.text, "abc");
  EXPECT_GT(fake_.peak_streams(), 1u);
}

}  // namespace
}  // namespace patter::providers
