#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "providers/llm/reply_decoder.hpp"

namespace boost::json {
class array;
}  // namespace boost::json

namespace patter::providers {

// Decodes the data of each `data:` event of a streaming Chat Completions response. Tool-call
// fragments are merged by index (id, type and name arrive on the first fragment of an index,
// arguments are concatenated), whether they come split across chunks, interleaved, or whole in
// one chunk as Ollama sends them. Unknown fields are ignored. Only choice 0 is read.
// A data object with an "error" key is a ChatStreamServerError.
class ChatStreamDecoder final : public ReplyDecoder {
 public:
  explicit ChatStreamDecoder(ChatStreamLimits limits = {}) : limits_(limits) {}

  // Throws ChatStreamFormatError or ChatStreamServerError; the decoder is unusable afterwards.
  ChatChunk feed(std::string_view data);
  ChatChunk feed(const net::SseEvent& event) override { return feed(event.data); }

  // The assembled tool calls in index order, once; later calls return nothing. A call without
  // an id gets "call_<index>"; empty arguments become "{}". Throws ChatStreamFormatError for a
  // call that never got a name.
  std::vector<ToolCall> take_tool_calls() override;

  [[nodiscard]] bool finished() const override { return finish_reason_.has_value(); }
  // stop, length or tool_calls; tool_calls whenever the stream produced tool calls, since some
  // servers say "stop" even then.
  [[nodiscard]] FinishReason finish_reason() const override;
  [[nodiscard]] const std::string& raw_finish_reason() const { return raw_finish_reason_; }
  // The usage chunk's numbers: input_tokens excludes the cached prompt tokens, which are
  // cache_read_tokens, as cost accounting prices them apart. Groq's x_groq.usage counts only
  // when the stream has no standard usage.
  [[nodiscard]] std::optional<LlmUsage> usage() const override;

 private:
  struct PartialCall {
    std::string id;
    std::string name;
    std::string arguments;
  };
  void read_tool_calls(const boost::json::array& deltas, ChatChunk& chunk);

  ChatStreamLimits limits_;
  std::map<std::size_t, PartialCall> calls_;
  bool calls_taken_ = false;
  bool produced_tool_calls_ = false;
  std::optional<FinishReason> finish_reason_;
  std::string raw_finish_reason_;
  std::optional<LlmUsage> usage_;
  std::optional<LlmUsage> groq_usage_;
};

}  // namespace patter::providers
