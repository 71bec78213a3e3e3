#include "providers/llm/gemini_request_body.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "providers/llm/gemini_llm.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;

json::object body_of(const ChatConfig& config, const LlmRequest& request) {
  return json::parse(gemini_request_body(config, request)).as_object();
}

LlmRequest tool_round_trip() {
  LlmRequest request;
  request.messages = {
      ChatMessage{Role::system, "You are the front desk.", {}, {}, {}},
      ChatMessage{Role::user, "Weather in Rome and the time?", {}, {}, {}},
      ChatMessage{Role::assistant,
                  "",
                  {ToolCall{"gemini_call_7", "get_weather", R"({"city":"Rome"})"},
                   ToolCall{"fc_server_id", "get_time", "{}"}},
                  {},
                  {}},
      ChatMessage{Role::tool, R"({"sky":"clear"})", {}, "gemini_call_7", "get_weather"},
      ChatMessage{Role::tool, "noon", {}, "fc_server_id", "get_time"}};
  request.tools = {
      ToolSchema{
          "get_weather", "Weather by city",
          R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,"properties":{"city":{"type":"string"}},"required":["city"]})"},
      ToolSchema{"get_time", "", ""}};
  return request;
}

TEST(GeminiRequestBody, SystemInstructionAndContents) {
  const auto body = body_of(gemini_config(), tool_round_trip());
  EXPECT_EQ(body.at("systemInstruction").at("parts").at(0).at("text"), "You are the front desk.");
  const auto& contents = body.at("contents").as_array();
  ASSERT_EQ(contents.size(), 3u);
  EXPECT_EQ(contents[0].at("role"), "user");
  EXPECT_EQ(contents[0].at("parts").at(0).at("text"), "Weather in Rome and the time?");
  EXPECT_FALSE(body.contains("generationConfig"));
}

TEST(GeminiRequestBody, FunctionCallsAndResponses) {
  const auto body = body_of(gemini_config(), tool_round_trip());
  const auto& contents = body.at("contents").as_array();
  EXPECT_EQ(contents[1].at("role"), "model");
  const auto& calls = contents[1].at("parts").as_array();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].at("functionCall").at("name"), "get_weather");
  EXPECT_EQ(calls[0].at("functionCall").at("args").at("city"), "Rome");
  EXPECT_FALSE(calls[0].at("functionCall").as_object().contains("id")) << "made here";
  EXPECT_EQ(calls[1].at("functionCall").at("id"), "fc_server_id");
  EXPECT_EQ(contents[2].at("role"), "user");
  const auto& responses = contents[2].at("parts").as_array();
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].at("functionResponse").at("name"), "get_weather");
  EXPECT_EQ(responses[0].at("functionResponse").at("response").at("sky"), "clear");
  EXPECT_EQ(responses[1].at("functionResponse").at("response").at("result"), "noon");
  EXPECT_EQ(responses[1].at("functionResponse").at("id"), "fc_server_id");
}

TEST(GeminiRequestBody, FunctionDeclarationsInGeminisSchemaSubset) {
  const auto body = body_of(gemini_config(), tool_round_trip());
  const auto& declarations = body.at("tools").at(0).at("functionDeclarations").as_array();
  ASSERT_EQ(declarations.size(), 2u);
  EXPECT_EQ(declarations[0].at("name"), "get_weather");
  EXPECT_EQ(declarations[0].at("description"), "Weather by city");
  const auto& parameters = declarations[0].at("parameters").as_object();
  EXPECT_FALSE(parameters.contains("$schema"));
  EXPECT_FALSE(parameters.contains("additionalProperties"));
  EXPECT_EQ(parameters.at("required").at(0), "city");
  EXPECT_FALSE(declarations[1].as_object().contains("parameters"));
}

TEST(GeminiRequestBody, GenerationConfigAndAnOpeningUserTurn) {
  auto config = gemini_config();
  config.temperature = 0.7;
  config.max_tokens = 256;
  LlmRequest request;
  request.messages = {ChatMessage{Role::assistant, "Hello, Harbour Hotel.", {}, {}, {}},
                      ChatMessage{Role::user, "Hi", {}, {}, {}}};
  const auto body = body_of(config, request);
  EXPECT_DOUBLE_EQ(body.at("generationConfig").at("temperature").as_double(), 0.7);
  EXPECT_EQ(body.at("generationConfig").at("maxOutputTokens"), 256);
  EXPECT_FALSE(body.contains("systemInstruction"));
  const auto& contents = body.at("contents").as_array();
  ASSERT_EQ(contents.size(), 3u);
  EXPECT_EQ(contents[0].at("role"), "user");
  EXPECT_EQ(contents[1].at("role"), "model");
}

}  // namespace
}  // namespace patter::providers
