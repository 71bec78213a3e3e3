#include "providers/llm/chat_request_body.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/error.hpp"

namespace patter::providers {
namespace {

namespace json = boost::json;

LlmRequest conversation_with_tool_round() {
  LlmRequest request;
  request.messages = {
      ChatMessage{Role::system, "You are terse.", {}, {}, {}},
      ChatMessage{Role::user, "Weather in Rome?", {}, {}, {}},
      ChatMessage{
          Role::assistant, "", {ToolCall{"call_1", "get_weather", R"({"city":"Rome"})"}}, {}, {}},
      ChatMessage{Role::tool, R"({"celsius":21})", {}, "call_1", "get_weather"},
  };
  request.tools = {ToolSchema{"get_weather", "Weather by city",
                              R"({"type":"object","properties":{"city":{"type":"string"}}})"},
                   ToolSchema{"end_call", "", ""}};
  return request;
}

TEST(ChatRequestBody, CarriesModelStreamUsageAndOptions) {
  auto config = config_for(openai_preset());
  config.temperature = 0.3;
  config.max_tokens = 150;
  const auto body =
      json::parse(chat_request_body(config, conversation_with_tool_round())).as_object();
  EXPECT_EQ(body.at("model"), "gpt-4o-mini");
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_EQ(body.at("stream_options").at("include_usage"), true);
  EXPECT_DOUBLE_EQ(body.at("temperature").as_double(), 0.3);
  EXPECT_EQ(body.at("max_completion_tokens"), 150);
  EXPECT_FALSE(body.contains("max_tokens"));
}

TEST(ChatRequestBody, SelfHostedServersGetLegacyMaxTokens) {
  auto config = config_for(openai_compatible_preset());
  config.model = "llama3.2";
  config.max_tokens = 64;
  const auto body =
      json::parse(chat_request_body(config, conversation_with_tool_round())).as_object();
  EXPECT_EQ(body.at("max_tokens"), 64);
  EXPECT_FALSE(body.contains("temperature"));
}

TEST(ChatRequestBody, MessagesIncludeToolCallsAndResults) {
  const auto body =
      json::parse(chat_request_body(config_for(openai_preset()), conversation_with_tool_round()))
          .as_object();
  const auto& messages = body.at("messages").as_array();
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0], (json::object{{"role", "system"}, {"content", "You are terse."}}));
  EXPECT_EQ(messages[1], (json::object{{"role", "user"}, {"content", "Weather in Rome?"}}));
  const auto& assistant = messages[2].as_object();
  EXPECT_TRUE(assistant.at("content").is_null());
  EXPECT_EQ(
      assistant.at("tool_calls"),
      (json::array{json::object{{"id", "call_1"},
                                {"type", "function"},
                                {"function", json::object{{"name", "get_weather"},
                                                          {"arguments", R"({"city":"Rome"})"}}}}}));
  EXPECT_EQ(messages[3],
            (json::object{
                {"role", "tool"}, {"content", R"({"celsius":21})"}, {"tool_call_id", "call_1"}}));
}

TEST(ChatRequestBody, ToolsAreFunctionSchemas) {
  const auto body =
      json::parse(chat_request_body(config_for(openai_preset()), conversation_with_tool_round()))
          .as_object();
  const auto& tools = body.at("tools").as_array();
  ASSERT_EQ(tools.size(), 2u);
  EXPECT_EQ(tools[0].at("type"), "function");
  EXPECT_EQ(tools[0].at("function").at("name"), "get_weather");
  EXPECT_EQ(tools[0].at("function").at("description"), "Weather by city");
  EXPECT_EQ(tools[0].at("function").at("parameters").at("properties").at("city").at("type"),
            "string");
  EXPECT_EQ(tools[1].at("function").at("parameters"),
            (json::object{{"type", "object"}, {"properties", json::object{}}}));
  EXPECT_FALSE(tools[1].at("function").as_object().contains("description"));
}

TEST(ChatRequestBody, NoToolsNoToolsKey) {
  LlmRequest request;
  request.messages = {ChatMessage{Role::user, "Hi", {}, {}, {}}};
  const auto body =
      json::parse(chat_request_body(config_for(openai_preset()), request)).as_object();
  EXPECT_FALSE(body.contains("tools"));
}

TEST(ChatRequestBody, InvalidToolParametersAreAConfigError) {
  LlmRequest request;
  request.messages = {ChatMessage{Role::user, "Hi", {}, {}, {}}};
  request.tools = {ToolSchema{"broken", "", "[1,2"}};
  try {
    (void)chat_request_body(config_for(openai_preset()), request);
    FAIL() << "no exception";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::config_invalid);
    EXPECT_NE(std::string(error.what()).find("broken"), std::string::npos);
  }
}

}  // namespace
}  // namespace patter::providers
