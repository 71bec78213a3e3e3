#include "providers/llm/anthropic_request_body.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/error.hpp"
#include "providers/llm/anthropic_llm.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;

json::object body_of(const ChatConfig& config, const LlmRequest& request) {
  return json::parse(anthropic_request_body(config, request)).as_object();
}

LlmRequest tool_round_trip() {
  LlmRequest request;
  request.messages = {ChatMessage{Role::system, "You are the front desk.", {}, {}, {}},
                      ChatMessage{Role::assistant, "Harbour Hotel, good evening.", {}, {}, {}},
                      ChatMessage{Role::user, "Weather in Rome?", {}, {}, {}},
                      ChatMessage{Role::assistant,
                                  "Let me check.",
                                  {ToolCall{"toolu_01", "get_weather", R"({"city":"Rome"})"}},
                                  {},
                                  {}},
                      ChatMessage{Role::tool, R"({"sky":"clear"})", {}, "toolu_01", "get_weather"}};
  request.tools = {ToolSchema{"get_weather", "Weather by city",
                              R"({"type":"object","properties":{"city":{"type":"string"}}})"},
                   ToolSchema{"end_call", "", ""}};
  return request;
}

TEST(AnthropicRequestBody, SystemApartWithCacheControlAndDefaults) {
  const auto body = body_of(anthropic_config(), tool_round_trip());
  EXPECT_EQ(body.at("model"), "claude-haiku-4-5-20251001");
  EXPECT_EQ(body.at("max_tokens"), 1024);
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_FALSE(body.contains("temperature"));
  const auto& system = body.at("system").as_array();
  ASSERT_EQ(system.size(), 1u);
  EXPECT_EQ(system[0].at("type"), "text");
  EXPECT_EQ(system[0].at("text"), "You are the front desk.");
  EXPECT_EQ(system[0].at("cache_control").at("type"), "ephemeral");
}

TEST(AnthropicRequestBody, ToolUseAndToolResultBlocks) {
  const auto body = body_of(anthropic_config(), tool_round_trip());
  const auto& messages = body.at("messages").as_array();
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_EQ(messages[0].at("role"), "user");
  EXPECT_EQ(messages[1].at("role"), "assistant");
  const auto& call_turn = messages[3].at("content").as_array();
  EXPECT_EQ(messages[3].at("role"), "assistant");
  ASSERT_EQ(call_turn.size(), 2u);
  EXPECT_EQ(call_turn[0].at("text"), "Let me check.");
  EXPECT_EQ(call_turn[1].at("type"), "tool_use");
  EXPECT_EQ(call_turn[1].at("id"), "toolu_01");
  EXPECT_EQ(call_turn[1].at("name"), "get_weather");
  EXPECT_EQ(call_turn[1].at("input").at("city"), "Rome");
  EXPECT_EQ(messages[4].at("role"), "user");
  const auto& result = messages[4].at("content").at(0);
  EXPECT_EQ(result.at("type"), "tool_result");
  EXPECT_EQ(result.at("tool_use_id"), "toolu_01");
  EXPECT_EQ(result.at("content"), R"({"sky":"clear"})");
}

TEST(AnthropicRequestBody, ToolsHaveInputSchemaAndTheLastIsCached) {
  const auto body = body_of(anthropic_config(), tool_round_trip());
  const auto& tools = body.at("tools").as_array();
  ASSERT_EQ(tools.size(), 2u);
  EXPECT_EQ(tools[0].at("name"), "get_weather");
  EXPECT_EQ(tools[0].at("description"), "Weather by city");
  EXPECT_EQ(tools[0].at("input_schema").at("properties").at("city").at("type"), "string");
  EXPECT_FALSE(tools[0].as_object().contains("cache_control"));
  EXPECT_EQ(tools[1].at("input_schema").at("type"), "object");
  EXPECT_EQ(tools[1].at("cache_control").at("type"), "ephemeral");
}

TEST(AnthropicRequestBody, CachingOffAndSettings) {
  auto config = anthropic_config();
  config.prompt_caching = false;
  config.temperature = 0.3;
  config.max_tokens = 300;
  const auto body = body_of(config, tool_round_trip());
  EXPECT_FALSE(body.at("system").at(0).as_object().contains("cache_control"));
  EXPECT_FALSE(body.at("tools").at(1).as_object().contains("cache_control"));
  EXPECT_DOUBLE_EQ(body.at("temperature").as_double(), 0.3);
  EXPECT_EQ(body.at("max_tokens"), 300);
}

TEST(AnthropicRequestBody, NoSystemNoToolsAndBrokenArguments) {
  LlmRequest request;
  request.messages = {
      ChatMessage{Role::user, "Hi", {}, {}, {}},
      ChatMessage{Role::assistant, "", {ToolCall{"toolu_9", "lookup", "{\"q\":"}}, {}, {}},
      ChatMessage{Role::tool, "", {}, "toolu_9", "lookup"}};
  const auto body = body_of(anthropic_config(), request);
  EXPECT_FALSE(body.contains("system"));
  EXPECT_FALSE(body.contains("tools"));
  const auto& call = body.at("messages").at(1).at("content").at(0);
  EXPECT_EQ(call.at("input"), json::object{});
  EXPECT_FALSE(body.at("messages").at(2).at("content").at(0).as_object().contains("content"));
}

TEST(AnthropicRequestBody, ToolParametersMustBeAnObject) {
  LlmRequest request;
  request.messages = {ChatMessage{Role::user, "Hi", {}, {}, {}}};
  request.tools = {ToolSchema{"bad", "", "[1,2]"}};
  EXPECT_THROW((void)anthropic_request_body(anthropic_config(), request), core::Error);
}

}  // namespace
}  // namespace patter::providers
