#include "providers/llm/chat_stream_decoder.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace patter::providers {

namespace json = boost::json;

namespace {

constexpr std::size_t kShownBytes = 120;

std::string excerpt(std::string_view data) {
  return std::string(data.substr(0, kShownBytes)) + (data.size() > kShownBytes ? "..." : "");
}

[[noreturn]] void malformed(const std::string& what) {
  throw ChatStreamFormatError("malformed stream chunk: " + what);
}

// A non-negative token count, tolerating the integer kinds and whole doubles JSON may give.
std::int64_t count_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return 0;
  if (value->is_int64()) return std::max<std::int64_t>(value->as_int64(), 0);
  if (value->is_uint64()) return static_cast<std::int64_t>(value->as_uint64());
  if (value->is_double() && value->as_double() >= 0)
    return static_cast<std::int64_t>(value->as_double());
  malformed("usage." + std::string(key) + " is not a number");
}

std::optional<LlmUsage> read_usage(const json::value* value) {
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_object()) malformed("usage is not an object");
  const auto& usage = value->as_object();
  const auto prompt = count_of(usage, "prompt_tokens");
  std::int64_t cached = 0;
  if (const auto* details = usage.if_contains("prompt_tokens_details");
      details && details->is_object()) {
    cached = std::min(count_of(details->as_object(), "cached_tokens"), prompt);
  }
  LlmUsage result;
  result.input_tokens = prompt - cached;
  result.cache_read_tokens = cached;
  result.output_tokens = count_of(usage, "completion_tokens");
  return result;
}

std::string server_error_message(const json::value& error) {
  if (error.is_string()) return std::string(error.as_string());
  if (!error.is_object()) return json::serialize(error);
  const auto& object = error.as_object();
  std::string message;
  if (const auto* text = object.if_contains("message"); text && text->is_string()) {
    message = std::string(text->as_string());
  }
  for (const auto* key : {"code", "type"}) {
    const auto* field = object.if_contains(key);
    if (field && field->is_string() && !field->as_string().empty()) {
      message += (message.empty() ? "" : " ") + ("(" + std::string(field->as_string()) + ")");
      break;
    }
  }
  return message.empty() ? json::serialize(error) : message;
}

std::optional<std::size_t> index_of(const json::object& fragment) {
  const auto* index = fragment.if_contains("index");
  if (index == nullptr) return std::nullopt;
  if (index->is_int64() && index->as_int64() >= 0)
    return static_cast<std::size_t>(index->as_int64());
  if (index->is_uint64()) return static_cast<std::size_t>(index->as_uint64());
  malformed("tool_calls[].index is not a non-negative integer");
}

const json::string* string_field(const json::object& object, std::string_view key,
                                 std::string_view where) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return nullptr;
  if (!value->is_string())
    malformed(std::string(where) + "." + std::string(key) + " is not a string");
  return &value->as_string();
}

}  // namespace

ChatChunk ChatStreamDecoder::feed(std::string_view data) {
  ChatChunk chunk;
  if (data == "[DONE]") {
    chunk.done = true;
    return chunk;
  }
  boost::system::error_code parse_error;
  auto parsed = json::parse(data, parse_error);
  if (parse_error) malformed("not JSON: " + excerpt(data));
  if (!parsed.is_object()) malformed("not a JSON object: " + excerpt(data));
  const auto& object = parsed.as_object();
  if (const auto* error = object.if_contains("error"); error && !error->is_null()) {
    throw ChatStreamServerError(server_error_message(*error));
  }
  if (auto usage = read_usage(object.if_contains("usage"))) usage_ = usage;
  if (const auto* groq = object.if_contains("x_groq"); groq && groq->is_object()) {
    if (auto usage = read_usage(groq->as_object().if_contains("usage"))) groq_usage_ = usage;
  }
  const auto* choices = object.if_contains("choices");
  if (choices == nullptr || choices->is_null()) return chunk;
  if (!choices->is_array()) malformed("choices is not an array");
  for (const auto& choice_value : choices->as_array()) {
    if (!choice_value.is_object()) malformed("a choice is not an object");
    const auto& choice = choice_value.as_object();
    if (const auto* index = choice.if_contains("index");
        index && index->is_number() && index->to_number<double>() != 0) {
      continue;
    }
    if (const auto* delta = choice.if_contains("delta"); delta && !delta->is_null()) {
      if (!delta->is_object()) malformed("delta is not an object");
      const auto& fields = delta->as_object();
      if (const auto* content = string_field(fields, "content", "delta")) {
        chunk.text = std::string(*content);
        chunk.progress = chunk.progress || !chunk.text.empty();
      }
      if (const auto* calls = fields.if_contains("tool_calls"); calls && !calls->is_null()) {
        if (!calls->is_array()) malformed("delta.tool_calls is not an array");
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
    if (!deltas[position].is_object()) malformed("a tool_calls entry is not an object");
    const auto& fragment = deltas[position].as_object();
    const std::size_t index = index_of(fragment).value_or(position);
    if (!calls_.contains(index) && calls_.size() >= limits_.max_tool_calls) {
      malformed("more than " + std::to_string(limits_.max_tool_calls) + " tool calls");
    }
    auto& call = calls_[index];
    if (const auto* id = string_field(fragment, "id", "tool_calls[]"); id && !id->empty()) {
      call.id = std::string(*id);
    }
    if (const auto* function = fragment.if_contains("function"); function && !function->is_null()) {
      if (!function->is_object()) malformed("tool_calls[].function is not an object");
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
          malformed("tool call arguments larger than " +
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
      malformed("tool call " + std::to_string(index) + " has no function name");
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
