// The Gemini client against the fake Gemini server: streaming, function calls, usage,
// cancellation, warmup and connection reuse.

#include "providers/llm/gemini_llm.hpp"

#include <boost/json.hpp>

#include "core/error.hpp"
#include "fakes/fake_gemini.hpp"
#include "llm_test_support.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;
using fakes::FakeGemini;
using fakes::FakeGeminiCall;
using fakes::FakeGeminiReply;
using std::chrono::milliseconds;

class GeminiLlmTest : public testing::ChatClientTest {
 protected:
  [[nodiscard]] ChatConfig config() const { return aimed_at(fake_, gemini_config()); }

  json::object request_body(std::size_t index) {
    const auto requests = fake_.requests();
    if (requests.size() <= index) {
      ADD_FAILURE() << "no request " << index;
      return {};
    }
    EXPECT_EQ(requests[index].rejection, "");
    return json::parse(requests[index].body).as_object();
  }

  FakeGemini fake_;
};

TEST_F(GeminiLlmTest, StreamsTextThenUsageThenDone) {
  fake_.enqueue(FakeGeminiReply::text({"Hello", " there,", " friend!"}));
  GeminiLlm llm(config());
  const auto got = reply(llm);
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.deltas, (std::vector<std::string>{"Hello", " there,", " friend!"}));
  EXPECT_EQ(got.order, (std::vector<std::string>{"text", "text", "text", "usage", "done"}));
  EXPECT_EQ(got.done, FinishReason::stop);
  EXPECT_EQ(llm.name(), "gemini");
  EXPECT_EQ(llm.model(), "gemini-2.5-flash");
  EXPECT_EQ(fake_.completed_streams(), 1u);
}

TEST_F(GeminiLlmTest, SendsAFaithfulRequest) {
  auto settings = config();
  settings.temperature = 1.2;
  settings.max_tokens = 200;
  settings.model = "models/gemini-2.5-pro";
  GeminiLlm llm(settings);
  EXPECT_EQ(llm.model(), "gemini-2.5-pro");
  auto request = hello_request();
  request.tools = {ToolSchema{"get_weather", "Weather by city",
                              R"({"type":"object","properties":{"city":{"type":"string"}}})"},
                   ToolSchema{"end_call", "Hang up", ""}};
  EXPECT_EQ(reply(llm, request).error(), "");
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("x-goog-api-key"), fake_.options().api_key);
  EXPECT_EQ(requests[0].header("Content-Type"), "application/json");
  const auto body = request_body(0);
  EXPECT_EQ(body.at("systemInstruction").at("parts").at(0).at("text"), "Be brief.");
  EXPECT_EQ(body.at("contents").at(0).at("role"), "user");
  EXPECT_DOUBLE_EQ(body.at("generationConfig").at("temperature").as_double(), 1.2);
  EXPECT_EQ(body.at("generationConfig").at("maxOutputTokens"), 200);
  EXPECT_EQ(body.at("tools").at(0).at("functionDeclarations").as_array().size(), 2u);
}

TEST_F(GeminiLlmTest, FunctionCallRoundTrip) {
  fake_.enqueue(
      FakeGeminiReply::function_calls({FakeGeminiCall{"get_weather", R"({"city":"Rome"})", ""},
                                       FakeGeminiCall{"get_time", "{}", "fc_abc"}},
                                      {"One moment."}));
  GeminiLlm llm(config());
  auto request = hello_request();
  request.tools = {
      ToolSchema{"get_weather", "", R"({"type":"object","properties":{"city":{"type":"string"}}})"},
      ToolSchema{"get_time", "", ""}};
  const auto got = reply(llm, request);
  EXPECT_EQ(got.error(), "");
  EXPECT_EQ(got.text, "One moment.");
  ASSERT_EQ(got.tool_calls.size(), 2u);
  EXPECT_EQ(got.tool_calls[0].name, "get_weather");
  EXPECT_EQ(got.tool_calls[0].arguments, R"({"city":"Rome"})");
  EXPECT_EQ(got.tool_calls[1], (ToolCall{"fc_abc", "get_time", "{}"}));
  EXPECT_EQ(got.done, FinishReason::tool_calls);
  EXPECT_EQ(got.order, (std::vector<std::string>{"text", "tool", "tool", "usage", "done"}));

  request.messages.push_back(ChatMessage{Role::assistant, got.text, got.tool_calls, {}, {}});
  request.messages.push_back(
      ChatMessage{Role::tool, R"({"sky":"clear"})", {}, got.tool_calls[0].id, "get_weather"});
  request.messages.push_back(ChatMessage{Role::tool, "12:00", {}, "fc_abc", "get_time"});
  fake_.enqueue(FakeGeminiReply::text({"Clear skies at noon."}));
  const auto answer = reply(llm, request);
  EXPECT_EQ(answer.error(), "");
  EXPECT_EQ(answer.text, "Clear skies at noon.");
  const auto body = request_body(1);
  const auto& contents = body.at("contents").as_array();
  ASSERT_EQ(contents.size(), 3u);
  EXPECT_EQ(contents[1].at("role"), "model");
  EXPECT_EQ(contents[1].at("parts").at(1).at("functionCall").at("args").at("city"), "Rome");
  const auto& responses = contents[2].at("parts").as_array();
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].at("functionResponse").at("name"), "get_weather");
  EXPECT_EQ(responses[0].at("functionResponse").at("response").at("sky"), "clear");
  EXPECT_EQ(responses[1].at("functionResponse").at("id"), "fc_abc");
  EXPECT_EQ(responses[1].at("functionResponse").at("response").at("result"), "12:00");
}

TEST_F(GeminiLlmTest, UsageFromTheLastMetadataWithCachedAndThinkingTokens) {
  auto script = FakeGeminiReply::text({"a", "b", "c"});
  script.usage = fakes::FakeGeminiUsage{1200, 30, 1024, 64};
  script.thought = true;
  fake_.enqueue(script);
  GeminiLlm llm(config());
  const auto got = reply(llm);
  EXPECT_EQ(got.text, "abc") << "thought summaries are not spoken";
  ASSERT_EQ(got.usages.size(), 1u);
  EXPECT_EQ(got.usages[0].input_tokens, 176);
  EXPECT_EQ(got.usages[0].cache_read_tokens, 1024);
  EXPECT_EQ(got.usages[0].output_tokens, 94);
}

TEST_F(GeminiLlmTest, ReusesTheConnectionAcrossTurns) {
  GeminiLlm llm(config());
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(reply(llm).text, "Hello there!");
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].connection_id, requests[1].connection_id);
  EXPECT_EQ(fake_.connections(), 1u);
}

TEST_F(GeminiLlmTest, WarmupConnectsWithoutARequest) {
  GeminiLlm llm(config());
  llm.warmup(context());
  ASSERT_TRUE(run_until([&] { return fake_.connections() == 1; }));
  EXPECT_TRUE(run_until_idle());
  EXPECT_TRUE(fake_.requests().empty());
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(fake_.connections(), 1u);
}

TEST_F(GeminiLlmTest, CancelMidStreamStopsEventsAndClosesTheConnection) {
  auto script = FakeGeminiReply::text({"one", " two", " three", " four", " five"});
  script.inter_token_delay = milliseconds(30);
  fake_.enqueue(script);
  GeminiLlm llm(config());
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

TEST_F(GeminiLlmTest, WorksOverTls) {
  fakes::FakeGeminiOptions options;
  options.tls = true;
  FakeGemini secure(options);
  GeminiLlm llm(aimed_at(secure, gemini_config()));
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(reply(llm).text, "Hello there!");
  EXPECT_EQ(secure.connections(), 1u);
}

TEST_F(GeminiLlmTest, ConfigIsChecked) {
  auto odd = config();
  odd.model = "gemini/../../v1/files";
  EXPECT_THROW(GeminiLlm{odd}, core::Error);
  auto hot = config();
  hot.temperature = 2.5;
  EXPECT_THROW(GeminiLlm{hot}, core::Error);
}

}  // namespace
}  // namespace patter::providers
