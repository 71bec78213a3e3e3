#include "fakes/fake_openai_chat.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <boost/system/system_error.hpp>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <utility>

namespace patter::fakes {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

FakeChatReply FakeChatReply::text(std::vector<std::string> tokens) {
  FakeChatReply reply;
  reply.tokens = std::move(tokens);
  return reply;
}

FakeChatReply FakeChatReply::tools(std::vector<FakeChatToolCall> calls, FakeChatToolStyle style) {
  FakeChatReply reply;
  reply.tokens.clear();
  reply.tool_calls = std::move(calls);
  reply.tool_style = style;
  return reply;
}

FakeChatReply FakeChatReply::http_error(int status, std::string message, std::string type,
                                        std::string code) {
  FakeChatReply reply;
  reply.status = status;
  reply.error_message = std::move(message);
  reply.error_type = std::move(type);
  reply.error_code = std::move(code);
  return reply;
}

FakeChatReply FakeChatReply::rate_limited(int retry_after_seconds) {
  auto reply = http_error(
      429, "Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1.",
      "requests", "rate_limit_exceeded");
  reply.error_headers = {{"retry-after", std::to_string(retry_after_seconds)},
                         {"x-ratelimit-limit-requests", "3"},
                         {"x-ratelimit-remaining-requests", "0"},
                         {"x-ratelimit-reset-requests", std::to_string(retry_after_seconds) + "s"}};
  return reply;
}

FakeChatReply FakeChatReply::server_error(int status) {
  return http_error(status,
                    "The server had an error while processing your request. Sorry about that!",
                    "server_error");
}

std::optional<std::string> FakeChatRequest::header(std::string_view name) const {
  return find_header(headers, name);
}

namespace detail {

struct FakeOpenAiChatState {
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::deque<FakeChatReply> queue;
  std::vector<FakeChatRequest> requests;
  std::size_t active = 0;
  std::size_t peak = 0;
  std::size_t completed = 0;
  std::size_t disconnects = 0;
  std::atomic<std::uint64_t> next_id{1};

  FakeChatReply next_reply(const FakeChatReply& fallback) {
    const std::lock_guard lock(mutex);
    if (queue.empty()) return fallback;
    auto reply = std::move(queue.front());
    queue.pop_front();
    return reply;
  }
  void record(FakeChatRequest request) {
    const std::lock_guard lock(mutex);
    requests.push_back(std::move(request));
    changed.notify_all();
  }
  void stream_started() {
    const std::lock_guard lock(mutex);
    peak = std::max(peak, ++active);
  }
  void stream_ended(bool complete, bool client_left) {
    const std::lock_guard lock(mutex);
    --active;
    if (complete) ++completed;
    if (client_left) ++disconnects;
    changed.notify_all();
  }
};

}  // namespace detail

namespace {

struct Rejection {
  int status = 400;
  std::string message;
  std::string param;
  std::string code;
};

std::string error_body(std::string_view message, std::string_view type, std::string_view param,
                       std::string_view code) {
  return json::serialize(json::object{
      {"error", json::object{{"message", message},
                             {"type", type},
                             {"param", param.empty() ? json::value(nullptr) : json::value(param)},
                             {"code", code.empty() ? json::value(nullptr) : json::value(code)}}}});
}

bool valid_function_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
}

std::optional<Rejection> check_message(const json::value& value, std::size_t index,
                                       std::set<std::string>& open_calls) {
  const auto where = "messages[" + std::to_string(index) + "]";
  if (!value.is_object()) return Rejection{400, where + " must be an object", where, {}};
  const auto& message = value.as_object();
  const auto* role = message.if_contains("role");
  if (role == nullptr || !role->is_string()) {
    return Rejection{400, "Missing required parameter: '" + where + ".role'.", where + ".role",
                     "missing_required_parameter"};
  }
  const std::string_view name = role->as_string();
  if (name != "system" && name != "developer" && name != "user" && name != "assistant" &&
      name != "tool") {
    return Rejection{
        400,
        "Invalid value: '" + std::string(name) +
            "'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.",
        where + ".role", "invalid_value"};
  }
  const auto* content = message.if_contains("content");
  const auto* calls = message.if_contains("tool_calls");
  const bool has_calls = calls != nullptr && !calls->is_null();
  const bool content_ok =
      content != nullptr &&
      (content->is_string() || (content->is_null() && name == "assistant" && has_calls));
  if (!content_ok) {
    return Rejection{400, where + ".content must be a string", where + ".content", {}};
  }
  if (name == "tool") {
    const auto* id = message.if_contains("tool_call_id");
    if (id == nullptr || !id->is_string()) {
      return Rejection{400, "Missing required parameter: '" + where + ".tool_call_id'.",
                       where + ".tool_call_id", "missing_required_parameter"};
    }
    if (!open_calls.contains(std::string(id->as_string()))) {
      return Rejection{400,
                       "Invalid parameter: messages with role 'tool' must be a response to a "
                       "preceeding message with 'tool_calls'.",
                       where + ".role",
                       {}};
    }
  }
  if (has_calls) {
    if (name != "assistant" || !calls->is_array()) {
      return Rejection{400,
                       where + ".tool_calls is only for assistant messages, as a list",
                       where + ".tool_calls",
                       {}};
    }
    for (const auto& call_value : calls->as_array()) {
      const auto* call = call_value.if_object();
      const auto* function = call != nullptr ? call->if_contains("function") : nullptr;
      const bool ok = call != nullptr && call->if_contains("id") && call->at("id").is_string() &&
                      call->if_contains("type") && call->at("type") == "function" &&
                      function != nullptr && function->is_object() &&
                      function->as_object().if_contains("name") &&
                      function->as_object().at("name").is_string() &&
                      function->as_object().if_contains("arguments") &&
                      function->as_object().at("arguments").is_string();
      if (!ok) {
        return Rejection{400,
                         where +
                             ".tool_calls entries need id, type 'function' and function {name, "
                             "arguments (a string)}",
                         where + ".tool_calls",
                         {}};
      }
      open_calls.insert(std::string(call->at("id").as_string()));
    }
  }
  return std::nullopt;
}

std::optional<Rejection> check_body(const FakeRequest& request, bool& include_usage,
                                    std::string& model) {
  if (find_header(request.headers, "Content-Encoding")) {
    return Rejection{400, "this fake reads plain JSON bodies only (no Content-Encoding)", {}, {}};
  }
  const auto type = find_header(request.headers, "Content-Type").value_or("");
  if (type.find("application/json") == std::string::npos) {
    return Rejection{400, "Content-Type must be application/json, got '" + type + "'", {}, {}};
  }
  boost::system::error_code parse_error;
  const auto parsed = json::parse(request.body, parse_error);
  if (parse_error || !parsed.is_object()) {
    return Rejection{400, "We could not parse the JSON body of your request.", {}, {}};
  }
  const auto& body = parsed.as_object();
  const auto* model_value = body.if_contains("model");
  if (model_value == nullptr || !model_value->is_string() || model_value->as_string().empty()) {
    return Rejection{400, "you must provide a model parameter", "model", {}};
  }
  model = std::string(model_value->as_string());
  const auto* messages = body.if_contains("messages");
  if (messages == nullptr || !messages->is_array() || messages->as_array().empty()) {
    return Rejection{400, "Missing required parameter: 'messages'.", "messages",
                     "missing_required_parameter"};
  }
  std::set<std::string> open_calls;
  for (std::size_t i = 0; i < messages->as_array().size(); ++i) {
    if (auto rejection = check_message(messages->as_array()[i], i, open_calls)) return rejection;
  }
  if (const auto* tools = body.if_contains("tools")) {
    if (!tools->is_array()) return Rejection{400, "tools must be a list", "tools", {}};
    for (const auto& tool : tools->as_array()) {
      const auto* fields = tool.if_object();
      const auto* function = fields ? fields->if_contains("function") : nullptr;
      const auto* name =
          function && function->is_object() ? function->as_object().if_contains("name") : nullptr;
      const auto* parameters = function && function->is_object()
                                   ? function->as_object().if_contains("parameters")
                                   : nullptr;
      if (!fields || !fields->if_contains("type") || fields->at("type") != "function" || !name ||
          !name->is_string() || !valid_function_name(name->as_string()) ||
          (parameters && !parameters->is_object())) {
        return Rejection{400,
                         "tools entries need type 'function' and function {name "
                         "([a-zA-Z0-9_-]{1,64}), parameters (an object)}",
                         "tools",
                         {}};
      }
    }
  }
  const auto* stream = body.if_contains("stream");
  if (stream == nullptr || !stream->is_bool() || !stream->as_bool()) {
    return Rejection{400, "this fake only answers streaming requests (stream: true)", "stream", {}};
  }
  if (const auto* temperature = body.if_contains("temperature")) {
    if (!temperature->is_number() || temperature->to_number<double>() < 0 ||
        temperature->to_number<double>() > 2) {
      return Rejection{400, "temperature must be a number between 0 and 2", "temperature", {}};
    }
  }
  for (const auto* key : {"max_tokens", "max_completion_tokens"}) {
    const auto* limit = body.if_contains(key);
    if (limit && !((limit->is_int64() && limit->as_int64() > 0) ||
                   (limit->is_uint64() && limit->as_uint64() > 0))) {
      return Rejection{400, std::string(key) + " must be a positive integer", key, {}};
    }
  }
  include_usage = false;
  if (const auto* options = body.if_contains("stream_options"); options && options->is_object()) {
    const auto* usage = options->as_object().if_contains("include_usage");
    include_usage = usage && usage->is_bool() && usage->as_bool();
  }
  return std::nullopt;
}

// Builds the chunks of one reply.
class ChunkWriter {
 public:
  ChunkWriter(std::string id, std::string model, bool groq)
      : id_(std::move(id)), model_(std::move(model)), groq_(groq) {}

  std::string delta(json::object delta, json::value finish_reason = nullptr) {
    if (groq_) {
      delta.emplace("role", "assistant");
      if (!delta.contains("tool_calls")) delta.emplace("tool_calls", json::array{});
    }
    json::object choice{{"index", 0},
                        {"delta", std::move(delta)},
                        {"logprobs", nullptr},
                        {"finish_reason", finish_reason}};
    return frame(json::array{std::move(choice)}, nullptr);
  }
  std::string usage(const FakeChatUsage& usage) { return frame(json::array{}, usage_json(usage)); }
  // Groq reports usage in x_groq on the finishing chunk.
  std::string finish(const std::string& reason, const FakeChatUsage& usage) {
    groq_usage_ = usage_json(usage);
    return delta(json::object{}, json::value(reason));
  }

 private:
  static json::value usage_json(const FakeChatUsage& usage) {
    return json::object{
        {"prompt_tokens", usage.prompt_tokens},
        {"completion_tokens", usage.completion_tokens},
        {"total_tokens", usage.prompt_tokens + usage.completion_tokens},
        {"prompt_tokens_details", json::object{{"cached_tokens", usage.cached_tokens}}},
        {"completion_tokens_details", json::object{{"reasoning_tokens", 0}}}};
  }

  std::string frame(json::array choices, json::value usage) {
    json::object chunk{{"id", id_},
                       {"object", "chat.completion.chunk"},
                       {"created", 1700000000},
                       {"model", model_},
                       {"service_tier", "default"},
                       {"system_fingerprint", "fp_fake"},
                       {"choices", std::move(choices)},
                       {"usage", std::move(usage)},
                       {"obfuscation", "x" + std::to_string(++sequence_)}};
    if (groq_) {
      json::object extra{{"id", "req_" + id_}};
      if (!groq_usage_.is_null()) extra["usage"] = std::exchange(groq_usage_, nullptr);
      if (sequence_ == 1 || extra.contains("usage")) chunk["x_groq"] = std::move(extra);
    }
    return "data: " + json::serialize(chunk) + "\n\n";
  }

  std::string id_;
  std::string model_;
  bool groq_;
  std::uint64_t sequence_ = 0;
  json::value groq_usage_;
};

std::string call_id(const FakeChatToolCall& call, std::size_t index) {
  return call.id.empty() ? "call_fake_" + std::to_string(index) : call.id;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string all;
  for (const auto& part : parts) all += part;
  return all;
}

json::object first_fragment(const FakeChatToolCall& call, std::size_t index,
                            std::string arguments) {
  return json::object{
      {"index", index},
      {"id", call_id(call, index)},
      {"type", "function"},
      {"function", json::object{{"name", call.name}, {"arguments", std::move(arguments)}}}};
}

json::object argument_fragment(std::size_t index, const std::string& arguments) {
  return json::object{{"index", index}, {"function", json::object{{"arguments", arguments}}}};
}

// The deltas of a reply in the order they are streamed.
std::vector<json::object> reply_deltas(const FakeChatReply& reply) {
  std::vector<json::object> deltas;
  for (const auto& token : reply.tokens) deltas.push_back(json::object{{"content", token}});
  auto tool_delta = [](json::object fragment) {
    return json::object{{"tool_calls", json::array{std::move(fragment)}}};
  };
  const auto& calls = reply.tool_calls;
  switch (reply.tool_style) {
    case FakeChatToolStyle::whole:
      for (std::size_t i = 0; i < calls.size(); ++i) {
        deltas.push_back(
            tool_delta(first_fragment(calls[i], i, joined(calls[i].argument_fragments))));
      }
      break;
    case FakeChatToolStyle::fragments:
      for (std::size_t i = 0; i < calls.size(); ++i) {
        deltas.push_back(tool_delta(first_fragment(calls[i], i, "")));
        for (const auto& part : calls[i].argument_fragments)
          deltas.push_back(tool_delta(argument_fragment(i, part)));
      }
      break;
    case FakeChatToolStyle::interleaved: {
      std::size_t longest = 0;
      for (std::size_t i = 0; i < calls.size(); ++i) {
        deltas.push_back(tool_delta(first_fragment(calls[i], i, "")));
        longest = std::max(longest, calls[i].argument_fragments.size());
      }
      for (std::size_t part = 0; part < longest; ++part) {
        for (std::size_t i = 0; i < calls.size(); ++i) {
          if (part < calls[i].argument_fragments.size()) {
            deltas.push_back(tool_delta(argument_fragment(i, calls[i].argument_fragments[part])));
          }
        }
      }
      break;
    }
  }
  return deltas;
}

asio::awaitable<void> pause(milliseconds delay) {
  if (delay > milliseconds::zero()) co_await sleep_for(delay);
}

// Streams the reply; returns false when it stopped on a fault before its end.
asio::awaitable<bool> stream_reply(FakeHttpExchange& exchange, const FakeChatReply& reply,
                                   ChunkWriter& writer, bool include_usage) {
  auto begin = exchange.begin_chunked(200, sse_headers());
  co_await std::move(begin);
  co_await pause(reply.time_to_first_token);
  const auto role = writer.delta(json::object{{"role", "assistant"}, {"content", ""}});
  co_await exchange.send_chunk(role);
  const auto deltas = reply_deltas(reply);
  for (std::size_t sent = 0;; ++sent) {
    if (reply.disconnect_after == sent) {
      exchange.disconnect();
      co_return false;
    }
    if (reply.malformed_after == sent) {
      const std::string broken =
          "data: {\"id\":\"chatcmpl-broken\",\"choices\":[{\"delta\":{\"content\":\"oo\n\n";
      co_await exchange.send_chunk(broken);
      co_await exchange.end_chunked();
      co_return false;
    }
    if (reply.error_after == sent) {
      const auto error =
          "data: " +
          error_body("The server had an error while processing your request. Sorry about that!",
                     "server_error", "", "") +
          "\n\n";
      co_await exchange.send_chunk(error);
      co_await exchange.end_chunked();
      co_return false;
    }
    if (reply.end_after == sent) {
      co_await exchange.end_chunked();
      co_return false;
    }
    if (sent == deltas.size()) break;
    if (sent > 0) co_await pause(reply.inter_token_delay);
    const auto chunk = writer.delta(deltas[sent]);
    co_await exchange.send_chunk(chunk);
  }
  const auto reason =
      !reply.finish_reason.empty()
          ? reply.finish_reason
          : (reply.tool_calls.empty() ? std::string("stop") : std::string("tool_calls"));
  const auto finish = writer.finish(reason, reply.usage);
  co_await exchange.send_chunk(finish);
  if (include_usage) {
    const auto usage = writer.usage(reply.usage);
    co_await exchange.send_chunk(usage);
  }
  if (reply.send_done) {
    const std::string done = "data: [DONE]\n\n";
    co_await exchange.send_chunk(done);
  }
  co_await exchange.end_chunked();
  co_return true;
}

asio::awaitable<void> respond_json(FakeHttpExchange& exchange, int status, std::string body,
                                   FakeHeaders headers) {
  headers.emplace_back("Content-Type", "application/json");
  FakeResponse response{status, std::move(headers), std::move(body)};
  auto sending = exchange.respond(std::move(response));
  co_await std::move(sending);
}

}  // namespace

FakeOpenAiChat::FakeOpenAiChat(FakeOpenAiChatOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<detail::FakeOpenAiChatState>()),
      server_(FakeServerOptions{options_.tls, {"127.0.0.1", "localhost"}}) {
  server_.on_http(
      "POST", options_.base_path + "/chat/completions",
      [state = state_, options = options_](FakeHttpExchange& exchange) -> asio::awaitable<void> {
        const auto& request = exchange.request();
        FakeChatRequest record{request.connection_id, request.headers, request.body, {}};
        std::optional<Rejection> rejection;
        const auto authorization = request.header("Authorization");
        if (!options.api_key.empty() && !authorization) {
          rejection = Rejection{
              401,
              "You didn't provide an API key. You need to provide your API key in an Authorization "
              "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
              {},
              {}};
        } else if (!options.api_key.empty() && authorization != "Bearer " + options.api_key) {
          rejection = Rejection{401,
                                "Incorrect API key provided: sk-***. You can find your API key at "
                                "https://platform.openai.com/account/api-keys.",
                                {},
                                "invalid_api_key"};
        }
        bool include_usage = false;
        std::string model;
        if (!rejection) rejection = check_body(request, include_usage, model);
        if (rejection) {
          record.rejection = rejection->message;
          state->record(std::move(record));
          auto answer = respond_json(exchange, rejection->status,
                                     error_body(rejection->message, "invalid_request_error",
                                                rejection->param, rejection->code),
                                     FakeHeaders{});
          co_await std::move(answer);
          co_return;
        }
        state->record(std::move(record));
        const auto reply = state->next_reply(options.default_reply);
        if (reply.status != 200) {
          auto answer =
              respond_json(exchange, reply.status,
                           error_body(reply.error_message, reply.error_type, "", reply.error_code),
                           reply.error_headers);
          co_await std::move(answer);
          co_return;
        }
        ChunkWriter writer("chatcmpl-fake" + std::to_string(state->next_id++), model,
                           reply.groq_extras);
        state->stream_started();
        bool complete = false;
        bool client_left = false;
        try {
          auto streaming = stream_reply(exchange, reply, writer, include_usage);
          complete = co_await std::move(streaming);
        } catch (const boost::system::system_error&) {
          client_left = true;
        }
        state->stream_ended(complete, client_left);
      });
  server_.start();
}

FakeOpenAiChat::~FakeOpenAiChat() {
  server_.stop();
}

std::string FakeOpenAiChat::base_url() const {
  return server_.url(options_.base_path);
}

void FakeOpenAiChat::enqueue(FakeChatReply reply) {
  const std::lock_guard lock(state_->mutex);
  state_->queue.push_back(std::move(reply));
}

std::vector<FakeChatRequest> FakeOpenAiChat::requests() const {
  const std::lock_guard lock(state_->mutex);
  return state_->requests;
}

bool FakeOpenAiChat::wait_for_requests(std::size_t count, milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [&] { return state_->requests.size() >= count; });
}

std::size_t FakeOpenAiChat::active_streams() const {
  const std::lock_guard lock(state_->mutex);
  return state_->active;
}

std::size_t FakeOpenAiChat::peak_streams() const {
  const std::lock_guard lock(state_->mutex);
  return state_->peak;
}

std::size_t FakeOpenAiChat::completed_streams() const {
  const std::lock_guard lock(state_->mutex);
  return state_->completed;
}

std::size_t FakeOpenAiChat::client_disconnects() const {
  const std::lock_guard lock(state_->mutex);
  return state_->disconnects;
}

bool FakeOpenAiChat::wait_for_client_disconnects(std::size_t count, milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [&] { return state_->disconnects >= count; });
}

}  // namespace patter::fakes
