#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <patter/providers.hpp>

#include "net/sse_parser.hpp"

namespace patter::providers {

// The stream broke the provider's event format (not JSON, wrong types, too large).
class ChatStreamFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The server reported an error inside the stream.
class ChatStreamServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bounds on what one reply may hold; a stream beyond them is malformed.
struct ChatStreamLimits {
  std::size_t max_tool_calls = 64;
  std::size_t max_arguments_bytes = std::size_t{1024} * 1024;  // per tool call
};

// What one SSE event of the stream contributed.
struct ChatChunk {
  std::string text;       // content delta, possibly empty
  bool progress = false;  // the model produced something: text, a tool call (or part) or a finish
  bool finished = false;  // the model finished: the tool calls are complete
  bool done = false;      // the stream's end-of-reply marker; nothing of the reply follows
};

// Turns the SSE events of one streamed reply into text, tool calls, usage and a finish reason;
// one per attempt. The exchange (chat_exchange.hpp) sends the tool calls on `finished`, and
// ends the reply on `done`, or at the end of the body once finished() holds.
class ReplyDecoder {
 public:
  virtual ~ReplyDecoder() = default;

  // Throws ChatStreamFormatError or ChatStreamServerError; the decoder is unusable afterwards.
  virtual ChatChunk feed(const net::SseEvent& event) = 0;
  // The complete tool calls in the model's order, once; later calls return nothing. Throws
  // ChatStreamFormatError for a call that cannot be completed (no name, say).
  virtual std::vector<ToolCall> take_tool_calls() = 0;
  [[nodiscard]] virtual bool finished() const = 0;
  [[nodiscard]] virtual FinishReason finish_reason() const = 0;
  // input_tokens excludes the cached prompt tokens, which are cache_read_tokens (and
  // cache_write_tokens where the provider bills writing the cache), as cost prices them apart.
  [[nodiscard]] virtual std::optional<LlmUsage> usage() const = 0;
};

using ReplyDecoderFactory = std::unique_ptr<ReplyDecoder> (*)();

}  // namespace patter::providers
