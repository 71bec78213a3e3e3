#include "providers/llm/anthropic_stream_decoder.hpp"

#include <boost/json.hpp>

#include "providers/llm/llm_json.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

std::size_t block_index(const json::object& event, std::string_view type) {
  const auto index = index_field(event, type);
  if (!index) malformed_chunk(std::string(type) + ".index is missing");
  return *index;
}

const json::object& object_field(const json::object& object, std::string_view key,
                                 std::string_view where) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_object())
    malformed_chunk(std::string(where) + "." + std::string(key) + " is not an object");
  return value->as_object();
}

}  // namespace

ChatChunk AnthropicStreamDecoder::feed(const net::SseEvent& event) {
  ChatChunk chunk;
  const auto object = parse_chunk(event.data);
  const auto* type = string_field(object, "type", "event");
  if (type == nullptr) malformed_chunk("an event without a type: " + excerpt(event.data));
  if (*type == "content_block_delta") {
    apply_delta(object, chunk);
  } else if (*type == "content_block_start") {
    start_block(object, chunk);
  } else if (*type == "message_start") {
    const auto& message = object_field(object, "message", "message_start");
    if (const auto* usage = message.if_contains("usage"); usage && usage->is_object())
      read_usage(usage->as_object());
  } else if (*type == "message_delta") {
    const auto& delta = object_field(object, "delta", "message_delta");
    if (const auto* reason = string_field(delta, "stop_reason", "message_delta.delta")) {
      stop_reason_ = std::string(*reason);
      chunk.finished = true;
      chunk.progress = true;
    }
    if (const auto* usage = object.if_contains("usage"); usage && usage->is_object())
      read_usage(usage->as_object());
  } else if (*type == "message_stop") {
    chunk.done = true;
  } else if (*type == "error") {
    const auto* error = object.if_contains("error");
    throw ChatStreamServerError(error != nullptr
                                    ? error_description(*error).value_or(json::serialize(*error))
                                    : excerpt(event.data));
  }
  // ping, content_block_stop (tool input is complete at the finish anyway) and event types
  // added later need nothing.
  return chunk;
}

void AnthropicStreamDecoder::start_block(const json::object& event, ChatChunk& chunk) {
  const auto index = block_index(event, "content_block_start");
  const auto& block = object_field(event, "content_block", "content_block_start");
  const auto* type = string_field(block, "type", "content_block");
  if (type == nullptr) return;
  if (*type == "text") {
    if (const auto* text = string_field(block, "text", "content_block"); text && !text->empty()) {
      chunk.text = std::string(*text);
      chunk.progress = true;
    }
    return;
  }
  if (*type != "tool_use") return;
  if (tool_blocks_.size() >= limits_.max_tool_calls) {
    malformed_chunk("more than " + std::to_string(limits_.max_tool_calls) + " tool calls");
  }
  const auto* id = string_field(block, "id", "content_block");
  const auto* name = string_field(block, "name", "content_block");
  if (name == nullptr || name->empty()) malformed_chunk("a tool_use block without a name");
  ToolBlock tool{id != nullptr ? std::string(*id) : std::string(), std::string(*name), {}, {}};
  if (const auto* input = block.if_contains("input");
      input && input->is_object() && !input->as_object().empty()) {
    tool.initial = json::serialize(*input);
  }
  tool_blocks_[index] = std::move(tool);
  produced_tool_calls_ = true;
  chunk.progress = true;
}

void AnthropicStreamDecoder::apply_delta(const json::object& event, ChatChunk& chunk) {
  const auto index = block_index(event, "content_block_delta");
  const auto& delta = object_field(event, "delta", "content_block_delta");
  const auto* type = string_field(delta, "type", "content_block_delta.delta");
  if (type == nullptr) return;
  if (*type == "text_delta") {
    if (const auto* text = string_field(delta, "text", "text_delta")) {
      chunk.text = std::string(*text);
      chunk.progress = !chunk.text.empty();
    }
  } else if (*type == "input_json_delta") {
    const auto found = tool_blocks_.find(index);
    if (found == tool_blocks_.end())
      malformed_chunk("input_json_delta for block " + std::to_string(index) +
                      ", which is not a tool_use block");
    const auto* part = string_field(delta, "partial_json", "input_json_delta");
    if (part == nullptr) return;
    if (found->second.input.size() + part->size() > limits_.max_arguments_bytes) {
      malformed_chunk("tool call input larger than " + std::to_string(limits_.max_arguments_bytes) +
                      " bytes");
    }
    found->second.input += *part;
    chunk.progress = true;
  }
}

void AnthropicStreamDecoder::read_usage(const json::object& usage) {
  // message_delta repeats the counts as running totals: a field it leaves out (or null) keeps
  // its value.
  LlmUsage counted = usage_.value_or(LlmUsage{});
  auto take = [&usage](std::string_view key, std::int64_t& into) {
    if (const auto* value = usage.if_contains(key); value && !value->is_null())
      into = token_count(usage, key, "usage");
  };
  take("input_tokens", counted.input_tokens);
  take("output_tokens", counted.output_tokens);
  take("cache_read_input_tokens", counted.cache_read_tokens);
  take("cache_creation_input_tokens", counted.cache_write_tokens);
  usage_ = counted;
}

std::vector<ToolCall> AnthropicStreamDecoder::take_tool_calls() {
  std::vector<ToolCall> calls;
  if (calls_taken_) return calls;
  calls_taken_ = true;
  for (auto& [index, block] : tool_blocks_) {
    ToolCall call;
    call.id = block.id.empty() ? "toolu_" + std::to_string(index) : std::move(block.id);
    call.name = std::move(block.name);
    if (!block.input.empty()) {
      call.arguments = std::move(block.input);
    } else {
      call.arguments = block.initial.empty() ? "{}" : std::move(block.initial);
    }
    calls.push_back(std::move(call));
  }
  tool_blocks_.clear();
  return calls;
}

FinishReason AnthropicStreamDecoder::finish_reason() const {
  if (produced_tool_calls_) return FinishReason::tool_calls;
  return stop_reason_ == "max_tokens" ? FinishReason::length : FinishReason::stop;
}

}  // namespace patter::providers
