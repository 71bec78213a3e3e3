#include "providers/llm/anthropic_stream_decoder.hpp"

#include <gtest/gtest.h>

namespace patter::providers {
namespace {

ChatChunk feed(AnthropicStreamDecoder& decoder, std::string type, std::string data) {
  return decoder.feed(net::SseEvent{std::move(type), std::move(data), {}});
}

constexpr const char* kStart =
    R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":1800,"cache_read_input_tokens":0,"output_tokens":1}}})";

TEST(AnthropicStreamDecoder, TextThenStop) {
  AnthropicStreamDecoder decoder;
  EXPECT_FALSE(feed(decoder, "message_start", kStart).progress);
  EXPECT_FALSE(
      feed(decoder, "content_block_start",
           R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})")
          .progress);
  EXPECT_FALSE(feed(decoder, "ping", R"({"type": "ping"})").progress);
  const auto hello = feed(
      decoder, "content_block_delta",
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})");
  EXPECT_EQ(hello.text, "Hello");
  EXPECT_TRUE(hello.progress);
  feed(decoder, "content_block_stop", R"({"type":"content_block_stop","index":0})");
  EXPECT_FALSE(decoder.finished());
  const auto finish = feed(
      decoder, "message_delta",
      R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":42}})");
  EXPECT_TRUE(finish.finished);
  EXPECT_TRUE(decoder.finished());
  EXPECT_TRUE(feed(decoder, "message_stop", R"({"type":"message_stop"})").done);
  EXPECT_EQ(decoder.finish_reason(), FinishReason::stop);
  ASSERT_TRUE(decoder.usage());
  EXPECT_EQ(decoder.usage()->input_tokens, 25);
  EXPECT_EQ(decoder.usage()->output_tokens, 42);
  EXPECT_EQ(decoder.usage()->cache_write_tokens, 1800);
  EXPECT_EQ(decoder.usage()->cache_read_tokens, 0);
  EXPECT_TRUE(decoder.take_tool_calls().empty());
}

TEST(AnthropicStreamDecoder, ToolUseInputIsAssembledFromFragments) {
  AnthropicStreamDecoder decoder;
  feed(decoder, "message_start", kStart);
  EXPECT_TRUE(
      feed(
          decoder, "content_block_start",
          R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_a","name":"get_weather","input":{}}})")
          .progress);
  for (const auto* part : {R"("")", R"("{\"city\": \"Ro")", R"("me\"}")"}) {
    feed(
        decoder, "content_block_delta",
        std::string(
            R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":)") +
            part + "}}");
  }
  feed(
      decoder, "content_block_start",
      R"({"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_b","name":"end_call","input":{}}})");
  feed(
      decoder, "message_delta",
      R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":30}})");
  const auto calls = decoder.take_tool_calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0], (ToolCall{"toolu_a", "get_weather", R"({"city": "Rome"})"}));
  EXPECT_EQ(calls[1], (ToolCall{"toolu_b", "end_call", "{}"}));
  EXPECT_TRUE(decoder.take_tool_calls().empty());
  EXPECT_EQ(decoder.finish_reason(), FinishReason::tool_calls);
}

TEST(AnthropicStreamDecoder, MaxTokensIsLength) {
  AnthropicStreamDecoder decoder;
  feed(
      decoder, "message_delta",
      R"({"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":1024}})");
  EXPECT_EQ(decoder.finish_reason(), FinishReason::length);
}

TEST(AnthropicStreamDecoder, CacheReadsAndLaterUsageTotals) {
  AnthropicStreamDecoder decoder;
  feed(
      decoder, "message_start",
      R"({"type":"message_start","message":{"usage":{"input_tokens":12,"cache_read_input_tokens":2048,"output_tokens":1}}})");
  feed(
      decoder, "message_delta",
      R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":12,"cache_read_input_tokens":2048,"cache_creation_input_tokens":null,"output_tokens":9}})");
  const auto usage = decoder.usage();
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->input_tokens, 12);
  EXPECT_EQ(usage->cache_read_tokens, 2048);
  EXPECT_EQ(usage->cache_write_tokens, 0);
  EXPECT_EQ(usage->output_tokens, 9);
}

TEST(AnthropicStreamDecoder, ThinkingAndUnknownEventsAreIgnored) {
  AnthropicStreamDecoder decoder;
  feed(
      decoder, "content_block_start",
      R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}})");
  const auto thinking = feed(
      decoder, "content_block_delta",
      R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}})");
  EXPECT_EQ(thinking.text, "");
  EXPECT_FALSE(thinking.progress);
  EXPECT_FALSE(feed(decoder, "future_event", R"({"type":"future_event","x":1})").progress);
}

TEST(AnthropicStreamDecoder, ErrorEventIsAServerError) {
  AnthropicStreamDecoder decoder;
  try {
    feed(decoder, "error",
         R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
    FAIL() << "no error";
  } catch (const ChatStreamServerError& error) {
    EXPECT_STREQ(error.what(), "Overloaded (overloaded_error)");
  }
}

TEST(AnthropicStreamDecoder, MalformedEvents) {
  AnthropicStreamDecoder decoder;
  EXPECT_THROW(feed(decoder, "message_start", "{not json"), ChatStreamFormatError);
  EXPECT_THROW(feed(decoder, "x", R"({"no_type":1})"), ChatStreamFormatError);
  EXPECT_THROW(
      feed(
          decoder, "content_block_delta",
          R"({"type":"content_block_delta","index":5,"delta":{"type":"input_json_delta","partial_json":"{"}})"),
      ChatStreamFormatError);
  EXPECT_THROW(feed(decoder, "content_block_delta",
                    R"({"type":"content_block_delta","index":-1,"delta":{}})"),
               ChatStreamFormatError);
  AnthropicStreamDecoder limited(ChatStreamLimits{1, 4});
  feed(
      limited, "content_block_start",
      R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"a","input":{}}})");
  EXPECT_THROW(
      feed(
          limited, "content_block_delta",
          R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"abc\":1}"}})"),
      ChatStreamFormatError);
}

}  // namespace
}  // namespace patter::providers
