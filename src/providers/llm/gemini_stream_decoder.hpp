#pragma once

#include <optional>
#include <string>
#include <vector>

#include "providers/llm/reply_decoder.hpp"

namespace boost::json {
class value;
}  // namespace boost::json

namespace patter::providers {

// Decodes the `data:` events of streamGenerateContent?alt=sse, each a whole
// GenerateContentResponse. Of the first candidate it reads the text parts (thought summaries
// left out), the functionCall parts (whole calls, args an object) and finishReason; an "error"
// object, a prompt blocked by promptFeedback and a malformed function call are
// ChatStreamServerErrors. There is no end marker: the reply ends with the body once a
// finishReason came.
//
// Usage from the last usageMetadata (each repeats the running total): input_tokens are the
// prompt (and tool-use prompt) tokens not served from the context cache, cache_read_tokens the
// cachedContentTokenCount, output_tokens the candidates plus the thinking tokens, all billed at
// the output rate.
class GeminiStreamDecoder final : public ReplyDecoder {
 public:
  explicit GeminiStreamDecoder(ChatStreamLimits limits = {}) : limits_(limits) {}

  ChatChunk feed(const net::SseEvent& event) override;
  // The calls in the order they came; a call without an id gets one with kGeminiMadeIdPrefix.
  std::vector<ToolCall> take_tool_calls() override;
  [[nodiscard]] bool finished() const override { return finish_reason_.has_value(); }
  // tool_calls whenever the reply has function calls, length for MAX_TOKENS, else stop.
  [[nodiscard]] FinishReason finish_reason() const override;
  [[nodiscard]] std::optional<LlmUsage> usage() const override { return usage_; }

 private:
  void read_part(const boost::json::value& part, ChatChunk& chunk);

  ChatStreamLimits limits_;
  std::vector<ToolCall> calls_;
  bool calls_taken_ = false;
  bool produced_tool_calls_ = false;
  std::optional<std::string> finish_reason_;
  std::optional<LlmUsage> usage_;
};

}  // namespace patter::providers
