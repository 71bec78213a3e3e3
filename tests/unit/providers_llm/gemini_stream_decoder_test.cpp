#include "providers/llm/gemini_stream_decoder.hpp"

#include <gtest/gtest.h>

#include "providers/llm/gemini_request_body.hpp"

namespace patter::providers {
namespace {

ChatChunk feed(GeminiStreamDecoder& decoder, std::string data) {
  return decoder.feed(net::SseEvent{"message", std::move(data), {}});
}

TEST(GeminiStreamDecoder, TextChunksThenFinish) {
  GeminiStreamDecoder decoder;
  const auto first = feed(
      decoder,
      R"({"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":1,"totalTokenCount":31},"modelVersion":"gemini-2.5-flash","responseId":"r1"})");
  EXPECT_EQ(first.text, "Hel");
  EXPECT_TRUE(first.progress);
  EXPECT_FALSE(decoder.finished());
  const auto last = feed(
      decoder,
      R"({"candidates":[{"content":{"parts":[{"text":"lo"},{"text":"!"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":4,"cachedContentTokenCount":16,"thoughtsTokenCount":7,"totalTokenCount":41}})");
  EXPECT_EQ(last.text, "lo!");
  EXPECT_TRUE(last.finished);
  EXPECT_FALSE(last.done);
  EXPECT_EQ(decoder.finish_reason(), FinishReason::stop);
  const auto usage = decoder.usage();
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->input_tokens, 14);
  EXPECT_EQ(usage->cache_read_tokens, 16);
  EXPECT_EQ(usage->output_tokens, 11);
}

TEST(GeminiStreamDecoder, WholeFunctionCalls) {
  GeminiStreamDecoder decoder;
  feed(
      decoder,
      R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather","args":{"city":"Rome"}}},{"functionCall":{"name":"get_time","id":"fc_1"}}],"role":"model"},"finishReason":"STOP","index":0}]})");
  const auto calls = decoder.take_tool_calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].name, "get_weather");
  EXPECT_EQ(calls[0].arguments, R"({"city":"Rome"})");
  EXPECT_TRUE(calls[0].id.starts_with(kGeminiMadeIdPrefix)) << calls[0].id;
  EXPECT_EQ(calls[1], (ToolCall{"fc_1", "get_time", "{}"}));
  EXPECT_TRUE(decoder.take_tool_calls().empty());
  EXPECT_EQ(decoder.finish_reason(), FinishReason::tool_calls);
  GeminiStreamDecoder next;
  feed(
      next,
      R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather","args":{}}}]},"finishReason":"STOP"}]})");
  EXPECT_NE(next.take_tool_calls().at(0).id, calls[0].id) << "made ids are never reused";
}

TEST(GeminiStreamDecoder, ThoughtsAreNotSpokenAndMaxTokensIsLength) {
  GeminiStreamDecoder decoder;
  const auto chunk = feed(
      decoder,
      R"({"candidates":[{"content":{"parts":[{"text":"Planning...","thought":true},{"text":"Hi"}]},"finishReason":"MAX_TOKENS"}]})");
  EXPECT_EQ(chunk.text, "Hi");
  EXPECT_EQ(decoder.finish_reason(), FinishReason::length);
}

TEST(GeminiStreamDecoder, ErrorsInTheStream) {
  GeminiStreamDecoder decoder;
  try {
    feed(
        decoder,
        R"({"error":{"code":500,"message":"An internal error has occurred.","status":"INTERNAL"}})");
    FAIL() << "no error";
  } catch (const ChatStreamServerError& error) {
    EXPECT_STREQ(error.what(), "An internal error has occurred. (INTERNAL)");
  }
  GeminiStreamDecoder blocked;
  EXPECT_THROW(feed(blocked, R"({"promptFeedback":{"blockReason":"SAFETY"}})"),
               ChatStreamServerError);
  GeminiStreamDecoder malformed_call;
  EXPECT_THROW(
      feed(malformed_call,
           R"({"candidates":[{"content":{"parts":[]},"finishReason":"MALFORMED_FUNCTION_CALL"}]})"),
      ChatStreamServerError);
}

TEST(GeminiStreamDecoder, MalformedChunks) {
  GeminiStreamDecoder decoder;
  EXPECT_THROW(feed(decoder, "{\"candidates\": [{\"te"), ChatStreamFormatError);
  EXPECT_THROW(feed(decoder, R"({"candidates":{}})"), ChatStreamFormatError);
  EXPECT_THROW(
      feed(decoder, R"({"candidates":[{"content":{"parts":[{"functionCall":{"args":{}}}]}}]})"),
      ChatStreamFormatError);
  EXPECT_THROW(
      feed(decoder,
           R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":"x"}}]}}]})"),
      ChatStreamFormatError);
  EXPECT_THROW(feed(decoder, R"({"usageMetadata":{"promptTokenCount":"many"}})"),
               ChatStreamFormatError);
}

}  // namespace
}  // namespace patter::providers
