#include "providers/llm/gemini_stream_decoder.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cstdint>

#include "providers/llm/gemini_request_body.hpp"
#include "providers/llm/llm_json.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

// Made ids are unique in the process, so the calls of different turns never share one.
std::string made_call_id() {
  static std::atomic<std::uint64_t> next{1};
  return std::string(kGeminiMadeIdPrefix) + std::to_string(next++);
}

LlmUsage usage_of(const json::object& metadata) {
  constexpr std::string_view kWhere = "usageMetadata";
  const auto prompt = token_count(metadata, "promptTokenCount", kWhere) +
                      token_count(metadata, "toolUsePromptTokenCount", kWhere);
  const auto cached = std::min(token_count(metadata, "cachedContentTokenCount", kWhere), prompt);
  LlmUsage usage;
  usage.input_tokens = prompt - cached;
  usage.cache_read_tokens = cached;
  usage.output_tokens = token_count(metadata, "candidatesTokenCount", kWhere) +
                        token_count(metadata, "thoughtsTokenCount", kWhere);
  return usage;
}

const json::object* first_candidate(const json::object& response) {
  const auto* candidates = response.if_contains("candidates");
  if (candidates == nullptr || candidates->is_null()) return nullptr;
  if (!candidates->is_array()) malformed_chunk("candidates is not an array");
  for (const auto& candidate : candidates->as_array()) {
    if (!candidate.is_object()) malformed_chunk("a candidate is not an object");
    const auto* index = candidate.as_object().if_contains("index");
    if (index == nullptr || !index->is_number() || index->to_number<double>() == 0)
      return &candidate.as_object();
  }
  return nullptr;
}

}  // namespace

ChatChunk GeminiStreamDecoder::feed(const net::SseEvent& event) {
  ChatChunk chunk;
  const auto response = parse_chunk(event.data);
  if (const auto* error = response.if_contains("error"); error && !error->is_null()) {
    throw ChatStreamServerError(error_description(*error).value_or(json::serialize(*error)));
  }
  if (const auto* metadata = response.if_contains("usageMetadata")) {
    if (!metadata->is_object()) malformed_chunk("usageMetadata is not an object");
    usage_ = usage_of(metadata->as_object());
  }
  const auto* candidate = first_candidate(response);
  if (candidate == nullptr) {
    if (const auto* feedback = response.if_contains("promptFeedback");
        feedback && feedback->is_object()) {
      if (const auto* reason = string_field(feedback->as_object(), "blockReason", "promptFeedback"))
        throw ChatStreamServerError("the prompt was blocked (" + std::string(*reason) + ")");
    }
    return chunk;
  }
  if (const auto* content = candidate->if_contains("content"); content && content->is_object()) {
    const auto* parts = content->as_object().if_contains("parts");
    if (parts != nullptr && !parts->is_null()) {
      if (!parts->is_array()) malformed_chunk("content.parts is not an array");
      for (const auto& part : parts->as_array()) read_part(part, chunk);
    }
  }
  chunk.progress = chunk.progress || !chunk.text.empty();
  if (const auto* reason = string_field(*candidate, "finishReason", "candidate")) {
    // The model tried to call a function and failed at it; another try may well succeed.
    if (*reason == "MALFORMED_FUNCTION_CALL" || *reason == "UNEXPECTED_TOOL_CALL")
      throw ChatStreamServerError("the model made a malformed function call (" +
                                  std::string(*reason) + ")");
    finish_reason_ = std::string(*reason);
    chunk.finished = true;
    chunk.progress = true;
  }
  return chunk;
}

void GeminiStreamDecoder::read_part(const json::value& value, ChatChunk& chunk) {
  if (!value.is_object()) malformed_chunk("a part is not an object");
  const auto& part = value.as_object();
  if (const auto* thought = part.if_contains("thought"); thought && *thought == true) return;
  if (const auto* text = string_field(part, "text", "part")) chunk.text += *text;
  const auto* call = part.if_contains("functionCall");
  if (call == nullptr || call->is_null()) return;
  if (!call->is_object()) malformed_chunk("functionCall is not an object");
  const auto& fields = call->as_object();
  const auto* name = string_field(fields, "name", "functionCall");
  if (name == nullptr || name->empty()) malformed_chunk("a functionCall without a name");
  if (calls_.size() >= limits_.max_tool_calls)
    malformed_chunk("more than " + std::to_string(limits_.max_tool_calls) + " tool calls");
  const auto* id = string_field(fields, "id", "functionCall");
  const auto* args = fields.if_contains("args");
  if (args != nullptr && !args->is_null() && !args->is_object())
    malformed_chunk("functionCall.args is not an object");
  ToolCall made;
  made.id = id != nullptr && !id->empty() ? std::string(*id) : made_call_id();
  made.name = std::string(*name);
  made.arguments = args != nullptr && args->is_object() ? json::serialize(*args) : "{}";
  if (made.arguments.size() > limits_.max_arguments_bytes) {
    malformed_chunk("tool call arguments larger than " +
                    std::to_string(limits_.max_arguments_bytes) + " bytes");
  }
  calls_.push_back(std::move(made));
  produced_tool_calls_ = true;
  chunk.progress = true;
}

std::vector<ToolCall> GeminiStreamDecoder::take_tool_calls() {
  if (calls_taken_) return {};
  calls_taken_ = true;
  return std::move(calls_);
}

FinishReason GeminiStreamDecoder::finish_reason() const {
  if (produced_tool_calls_) return FinishReason::tool_calls;
  return finish_reason_ == "MAX_TOKENS" ? FinishReason::length : FinishReason::stop;
}

}  // namespace patter::providers
