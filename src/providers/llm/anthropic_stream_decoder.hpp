#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "providers/llm/reply_decoder.hpp"

namespace boost::json {
class object;
}  // namespace boost::json

namespace patter::providers {

// Decodes the events of a streaming Anthropic Messages response, read by the data's "type":
// message_start (the prompt's usage), content_block_start / _delta / _stop (text deltas; tool_use
// blocks whose input arrives as input_json_delta fragments to concatenate), message_delta (the
// stop_reason and the output tokens), message_stop (the end), ping, and error (a
// ChatStreamServerError). Thinking blocks, other delta types and unknown events are ignored.
//
// Usage: input_tokens are the uncached prompt tokens (Anthropic counts them apart already),
// cache_read_tokens the cache_read_input_tokens, cache_write_tokens the
// cache_creation_input_tokens, and output_tokens the last count message_delta gave.
class AnthropicStreamDecoder final : public ReplyDecoder {
 public:
  explicit AnthropicStreamDecoder(ChatStreamLimits limits = {}) : limits_(limits) {}

  ChatChunk feed(const net::SseEvent& event) override;
  // The tool_use blocks in index order; empty input becomes "{}".
  std::vector<ToolCall> take_tool_calls() override;
  [[nodiscard]] bool finished() const override { return stop_reason_.has_value(); }
  // tool_calls whenever the reply has tool_use blocks, length for max_tokens, else stop.
  [[nodiscard]] FinishReason finish_reason() const override;
  [[nodiscard]] std::optional<LlmUsage> usage() const override { return usage_; }

 private:
  struct ToolBlock {
    std::string id;
    std::string name;
    std::string input;    // the input_json_delta fragments so far
    std::string initial;  // content_block_start's input, when it was not empty
  };
  void start_block(const boost::json::object& event, ChatChunk& chunk);
  void apply_delta(const boost::json::object& event, ChatChunk& chunk);
  void read_usage(const boost::json::object& usage);

  ChatStreamLimits limits_;
  std::map<std::size_t, ToolBlock> tool_blocks_;
  bool calls_taken_ = false;
  bool produced_tool_calls_ = false;
  std::optional<std::string> stop_reason_;
  std::optional<LlmUsage> usage_;
};

}  // namespace patter::providers
