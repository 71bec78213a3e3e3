#include "providers/llm/chat_stream_decoder.hpp"

#include <gtest/gtest.h>

namespace patter::providers {
namespace {

TEST(ChatStreamDecoder, ContentDeltasAndFinish) {
  ChatStreamDecoder decoder;
  auto role = decoder.feed(
      R"({"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null})");
  EXPECT_EQ(role.text, "");
  EXPECT_FALSE(role.progress);
  auto hello = decoder.feed(
      R"({"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"obfuscation":"abc"})");
  EXPECT_EQ(hello.text, "Hel");
  EXPECT_TRUE(hello.progress);
  auto finish =
      decoder.feed(R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null})");
  EXPECT_TRUE(finish.finished);
  EXPECT_TRUE(decoder.finished());
  EXPECT_EQ(decoder.finish_reason(), FinishReason::stop);
  EXPECT_TRUE(decoder.feed("[DONE]").done);
}

TEST(ChatStreamDecoder, LengthFinish) {
  ChatStreamDecoder decoder;
  decoder.feed(R"({"choices":[{"index":0,"delta":{},"finish_reason":"length"}]})");
  EXPECT_EQ(decoder.finish_reason(), FinishReason::length);
}

TEST(ChatStreamDecoder, ToolCallFragmentsMergeByIndexWhenInterleaved) {
  ChatStreamDecoder decoder;
  decoder.feed(
      R"({"choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}}]})");
  decoder.feed(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]}}]})");
  decoder.feed(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"zone\":"}}]}}]})");
  decoder.feed(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":\"Ro"}}]}}]})");
  decoder.feed(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"me\"}"}}]}}]})");
  decoder.feed(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"CET\"}"}}]}}]})");
  decoder.feed(R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})");
  const auto calls = decoder.take_tool_calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0], (ToolCall{"call_a", "get_weather", R"({"city":"Rome"})"}));
  EXPECT_EQ(calls[1], (ToolCall{"call_b", "get_time", R"({"zone":"CET"})"}));
  EXPECT_TRUE(decoder.take_tool_calls().empty());
  EXPECT_EQ(decoder.finish_reason(), FinishReason::tool_calls);
}

TEST(ChatStreamDecoder, WholeToolCallWithStopFinishIsAToolCallFinish) {
  ChatStreamDecoder decoder;
  decoder.feed(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_x1","function":{"name":"end_call","arguments":{"reason":"bye"}}}]}}]})");
  decoder.feed(R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})");
  EXPECT_EQ(decoder.finish_reason(), FinishReason::tool_calls);
  const auto calls = decoder.take_tool_calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].arguments, R"({"reason":"bye"})");
}

TEST(ChatStreamDecoder, MissingIdAndArgumentsGetDefaults) {
  ChatStreamDecoder decoder;
  decoder.feed(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":3,"function":{"name":"hang_up"}}]}}]})");
  const auto calls = decoder.take_tool_calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], (ToolCall{"call_3", "hang_up", "{}"}));
}

TEST(ChatStreamDecoder, GroqRepeatsEmptyToolCallsWithoutMakingCalls) {
  ChatStreamDecoder decoder;
  decoder.feed(
      R"({"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi","tool_calls":[]}}],"x_groq":{"id":"req_1"}})");
  decoder.feed(
      R"({"choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[]},"finish_reason":"stop"}],"x_groq":{"id":"req_1","usage":{"prompt_tokens":9,"completion_tokens":2}}})");
  EXPECT_EQ(decoder.finish_reason(), FinishReason::stop);
  EXPECT_TRUE(decoder.take_tool_calls().empty());
  ASSERT_TRUE(decoder.usage());
  EXPECT_EQ(decoder.usage()->input_tokens, 9);
  decoder.feed(R"({"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":3}})");
  EXPECT_EQ(decoder.usage()->input_tokens, 10) << "the standard usage chunk wins over x_groq";
}

TEST(ChatStreamDecoder, UsageSeparatesCachedPromptTokens) {
  ChatStreamDecoder decoder;
  decoder.feed(
      R"({"choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":50,"total_tokens":1250,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":0}}})");
  const auto usage = decoder.usage();
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->input_tokens, 176);
  EXPECT_EQ(usage->cache_read_tokens, 1024);
  EXPECT_EQ(usage->output_tokens, 50);
  EXPECT_EQ(usage->cache_write_tokens, 0);
}

TEST(ChatStreamDecoder, MalformedChunksThrowFormatErrors) {
  for (const char* data :
       {"{not json", "[1,2]", R"({"choices":{}})", R"({"choices":[{"delta":{"content":5}}]})",
        R"({"choices":[{"delta":{"tool_calls":[{"index":-1}]}}]})", R"({"usage":"many"})"}) {
    ChatStreamDecoder decoder;
    EXPECT_THROW(decoder.feed(data), ChatStreamFormatError) << data;
  }
}

TEST(ChatStreamDecoder, NamelessToolCallIsAFormatError) {
  ChatStreamDecoder decoder;
  decoder.feed(
      R"({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}]})");
  EXPECT_THROW((void)decoder.take_tool_calls(), ChatStreamFormatError);
}

TEST(ChatStreamDecoder, ToolCallLimitsAreEnforced) {
  ChatStreamDecoder decoder(ChatStreamLimits{2, 8});
  decoder.feed(
      R"({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"name":"a","arguments":"1234"}}]}}]})");
  EXPECT_THROW(
      decoder.feed(
          R"({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"56789"}}]}}]})"),
      ChatStreamFormatError);
  ChatStreamDecoder many(ChatStreamLimits{2, 8});
  EXPECT_THROW(
      many.feed(R"({"choices":[{"delta":{"tool_calls":[{"index":0},{"index":1},{"index":2}]}}]})"),
      ChatStreamFormatError);
}

TEST(ChatStreamDecoder, ErrorObjectIsAServerError) {
  ChatStreamDecoder decoder;
  try {
    decoder.feed(
        R"({"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}})");
    FAIL() << "no exception";
  } catch (const ChatStreamServerError& error) {
    EXPECT_STREQ(error.what(), "The server had an error (server_error)");
  }
}

TEST(ChatStreamDecoder, OtherChoicesAreIgnored) {
  ChatStreamDecoder decoder;
  const auto chunk = decoder.feed(
      R"({"choices":[{"index":1,"delta":{"content":"other"}},{"index":0,"delta":{"content":"mine"}}]})");
  EXPECT_EQ(chunk.text, "mine");
}

}  // namespace
}  // namespace patter::providers
