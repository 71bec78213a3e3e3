#include "providers/llm/chat_stream_decoder.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "providers/llm/llm_json.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

std::optional<LlmUsage> read_usage(const json::value* value) {
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_object()) malformed_chunk("usage is not an object");
  const auto& usage = value->as_object();
  const auto prompt = token_count(usage, "prompt_tokens", "usage");
  std::int64_t cached = 0;
  if (const auto* details = usage.if_contains("prompt_tokens_details");
      details && details->is_object()) {
    cached = std::min(
        token_count(details->as_object(), "cached_tokens", "usage.prompt_tokens_details"), prompt);
  }
  LlmUsage result;
  result.input_tokens = prompt - cached;
  result.cache_read_tokens = cached;
  result.output_tokens = token_count(usage, "completion_tokens", "usage");
  return result;
}

}  // namespace

ChatChunk ChatStreamDecoder::feed(std::string_view data) {
  ChatChunk chunk;
  if (data == "[DONE]") {
    chunk.done = true;
    return chunk;
  }
  const auto object = parse_chunk(data);
  if (const auto* error = object.if_contains("error"); error && !error->is_null()) {
    throw ChatStreamServerError(error_description(*error).value_or(json::serialize(*error)));
  }
  if (auto usage = read_usage(object.if_contains("usage"))) usage_ = usage;
  if (const auto* groq = object.if_contains("x_groq"); groq && groq->is_object()) {
    if (auto usage = read_usage(groq->as_object().if_contains("usage"))) groq_usage_ = usage;
  }
  const auto* choices = object.if_contains("choices");
  if (choices == nullptr || choices->is_null()) return chunk;
  if (!choices->is_array()) malformed_chunk("choices is not an array");
  for (const auto& choice_value : choices->as_array()) {
    if (!choice_value.is_object()) malformed_chunk("a choice is not an object");
    const auto& choice = choice_value.as_object();
    if (const auto* index = choice.if_contains("index");
        index && index->is_number() && index->to_number<double>() != 0) {
      continue;
    }
    if (const auto* delta = choice.if_contains("delta"); delta && !delta->is_null()) {
      if (!delta->is_object()) malformed_chunk("delta is not an object");
      const auto& fields = delta->as_object();
      if (const auto* content = string_field(fields, "content", "delta")) {
        chunk.text = std::string(*content);
        chunk.progress = chunk.progress || !chunk.text.empty();
      }
      if (const auto* calls = fields.if_contains("tool_calls"); calls && !calls->is_null()) {
        if (!calls->is_array()) malformed_chunk("delta.tool_calls is not an array");
        read_tool_calls(calls->as_array(), chunk);
      }
    }
    if (const auto* reason = string_field(choice, "finish_reason", "choice")) {
      raw_finish_reason_ = std::string(*reason);
      if (raw_finish_reason_ == "length") {
        finish_reason_ = FinishReason::length;
      } else if (raw_finish_reason_ == "tool_calls" || raw_finish_reason_ == "function_call") {
        finish_reason_ = FinishReason::tool_calls;
      } else {
        finish_reason_ = FinishReason::stop;
      }
      chunk.finished = true;
      chunk.progress = true;
    }
  }
  return chunk;
}

void ChatStreamDecoder::read_tool_calls(const json::array& deltas, ChatChunk& chunk) {
  for (std::size_t position = 0; position < deltas.size(); ++position) {
    if (!deltas[position].is_object()) malformed_chunk("a tool_calls entry is not an object");
    const auto& fragment = deltas[position].as_object();
    const std::size_t index = index_field(fragment, "tool_calls[]").value_or(position);
    if (!calls_.contains(index) && calls_.size() >= limits_.max_tool_calls) {
      malformed_chunk("more than " + std::to_string(limits_.max_tool_calls) + " tool calls");
    }
    auto& call = calls_[index];
    if (const auto* id = string_field(fragment, "id", "tool_calls[]"); id && !id->empty()) {
      call.id = std::string(*id);
    }
    if (const auto* function = fragment.if_contains("function"); function && !function->is_null()) {
      if (!function->is_object()) malformed_chunk("tool_calls[].function is not an object");
      const auto& parts = function->as_object();
      if (const auto* name = string_field(parts, "name", "function"); name && !name->empty()) {
        call.name = std::string(*name);
      }
      if (const auto* arguments = parts.if_contains("arguments");
          arguments && !arguments->is_null()) {
        // Some servers send the arguments as an object instead of JSON text.
        const std::string piece = arguments->is_string() ? std::string(arguments->as_string())
                                                         : json::serialize(*arguments);
        if (call.arguments.size() + piece.size() > limits_.max_arguments_bytes) {
          malformed_chunk("tool call arguments larger than " +
                          std::to_string(limits_.max_arguments_bytes) + " bytes");
        }
        call.arguments += piece;
      }
    }
    produced_tool_calls_ = true;
    chunk.progress = true;
  }
}

std::vector<ToolCall> ChatStreamDecoder::take_tool_calls() {
  std::vector<ToolCall> calls;
  if (calls_taken_) return calls;
  calls_taken_ = true;
  for (auto& [index, partial] : calls_) {
    if (partial.name.empty())
      malformed_chunk("tool call " + std::to_string(index) + " has no function name");
    ToolCall call;
    call.id = partial.id.empty() ? "call_" + std::to_string(index) : std::move(partial.id);
    call.name = std::move(partial.name);
    call.arguments = partial.arguments.empty() ? "{}" : std::move(partial.arguments);
    calls.push_back(std::move(call));
  }
  calls_.clear();
  return calls;
}

FinishReason ChatStreamDecoder::finish_reason() const {
  if (produced_tool_calls_) return FinishReason::tool_calls;
  const auto reason = finish_reason_.value_or(FinishReason::stop);
  return reason == FinishReason::tool_calls ? FinishReason::stop : reason;
}

std::optional<LlmUsage> ChatStreamDecoder::usage() const {
  return usage_ ? usage_ : groq_usage_;
}

}  // namespace patter::providers
