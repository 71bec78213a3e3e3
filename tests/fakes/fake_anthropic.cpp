#include "fakes/fake_anthropic.hpp"

#include "fakes/fake_reply_ledger.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/system/system_error.hpp>
#include <cctype>
#include <deque>
#include <mutex>
#include <set>
#include <utility>

namespace patter::fakes {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

FakeAnthropicReply FakeAnthropicReply::text(std::vector<std::string> tokens) {
  FakeAnthropicReply reply;
  reply.tokens = std::move(tokens);
  return reply;
}

FakeAnthropicReply FakeAnthropicReply::tools(std::vector<FakeAnthropicToolUse> tool_uses,
                                             std::vector<std::string> tokens) {
  FakeAnthropicReply reply;
  reply.tokens = std::move(tokens);
  reply.tool_uses = std::move(tool_uses);
  return reply;
}

FakeAnthropicReply FakeAnthropicReply::http_error(int status, std::string type,
                                                  std::string message) {
  FakeAnthropicReply reply;
  reply.status = status;
  reply.error_type = std::move(type);
  reply.error_message = std::move(message);
  return reply;
}

FakeAnthropicReply FakeAnthropicReply::rate_limited(int retry_after_seconds) {
  auto reply = http_error(429, "rate_limit_error",
                          "This request would exceed the rate limit for your organization of 50 "
                          "requests per minute.");
  reply.error_headers = {{"retry-after", std::to_string(retry_after_seconds)},
                         {"anthropic-ratelimit-requests-limit", "50"},
                         {"anthropic-ratelimit-requests-remaining", "0"}};
  return reply;
}

FakeAnthropicReply FakeAnthropicReply::overloaded() {
  return http_error(529, "overloaded_error", "Overloaded");
}

FakeAnthropicReply FakeAnthropicReply::server_error(int status) {
  return http_error(status, "api_error", "Internal server error");
}

namespace detail {

struct FakeAnthropicState : FakeReplyLedger<FakeAnthropicReply> {};

}  // namespace detail

namespace {

struct Rejection {
  int status = 400;
  std::string type = "invalid_request_error";
  std::string message;
};

std::string error_body(std::string_view type, std::string_view message) {
  return json::serialize(json::object{{"type", "error"},
                                      {"error", json::object{{"type", type}, {"message", message}}},
                                      {"request_id", "req_fake"}});
}

bool valid_tool_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
}

bool positive_integer(const json::value* value) {
  return value != nullptr && ((value->is_int64() && value->as_int64() > 0) ||
                              (value->is_uint64() && value->as_uint64() > 0));
}

// Counts cache_control marks and checks their shape.
std::optional<Rejection> check_cache_control(const json::object& block, std::string_view where,
                                             std::size_t& marks) {
  const auto* mark = block.if_contains("cache_control");
  if (mark == nullptr) return std::nullopt;
  ++marks;
  const auto* fields = mark->if_object();
  if (fields == nullptr || !fields->contains("type") || fields->at("type") != "ephemeral") {
    return Rejection{400, "invalid_request_error",
                     std::string(where) + ".cache_control.type: Input should be 'ephemeral'"};
  }
  return std::nullopt;
}

std::optional<Rejection> check_text_block(const json::object& block, std::string_view where) {
  const auto* text = block.if_contains("text");
  if (text == nullptr || !text->is_string()) {
    return Rejection{400, "invalid_request_error", std::string(where) + ".text: Field required"};
  }
  if (text->as_string().empty()) {
    return Rejection{400, "invalid_request_error",
                     std::string(where) + ": text content blocks must be non-empty"};
  }
  return std::nullopt;
}

// The messages: roles, block types, and tool_use / tool_result pairing.
std::optional<Rejection> check_messages(const json::array& messages, std::size_t& marks) {
  std::set<std::string> unanswered;  // the previous assistant message's tool_use ids
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto where = "messages." + std::to_string(i);
    const auto* message = messages[i].if_object();
    if (message == nullptr)
      return Rejection{400, "invalid_request_error", where + ": not an object"};
    const auto* role = message->if_contains("role");
    if (role == nullptr || !role->is_string() ||
        (role->as_string() != "user" && role->as_string() != "assistant")) {
      return Rejection{400, "invalid_request_error",
                       where + ".role: Input should be 'user' or 'assistant'"};
    }
    const bool user = role->as_string() == "user";
    if (i == 0 && !user) {
      return Rejection{400, "invalid_request_error",
                       "messages: first message must use the \"user\" role"};
    }
    const auto* content = message->if_contains("content");
    if (content == nullptr)
      return Rejection{400, "invalid_request_error", where + ".content: Field required"};
    std::set<std::string> answered;
    std::set<std::string> calls;
    if (content->is_string()) {
      if (content->as_string().empty())
        return Rejection{400, "invalid_request_error",
                         where + ": all messages must have non-empty content"};
    } else if (content->is_array()) {
      if (content->as_array().empty())
        return Rejection{400, "invalid_request_error",
                         where + ": all messages must have non-empty content"};
      for (std::size_t b = 0; b < content->as_array().size(); ++b) {
        const auto block_where = where + ".content." + std::to_string(b);
        const auto* block = content->as_array()[b].if_object();
        const auto* type = block != nullptr ? block->if_contains("type") : nullptr;
        if (type == nullptr || !type->is_string()) {
          return Rejection{400, "invalid_request_error", block_where + ".type: Field required"};
        }
        if (auto rejection = check_cache_control(*block, block_where, marks)) return rejection;
        const std::string_view kind = type->as_string();
        if (kind == "text") {
          if (auto rejection = check_text_block(*block, block_where)) return rejection;
        } else if (kind == "tool_use" && !user) {
          const auto* id = block->if_contains("id");
          const auto* name = block->if_contains("name");
          const auto* input = block->if_contains("input");
          if (id == nullptr || !id->is_string() || name == nullptr || !name->is_string() ||
              input == nullptr || !input->is_object()) {
            return Rejection{400, "invalid_request_error",
                             block_where + ": tool_use needs id, name and an object input"};
          }
          calls.insert(std::string(id->as_string()));
        } else if (kind == "tool_result" && user) {
          const auto* id = block->if_contains("tool_use_id");
          if (id == nullptr || !id->is_string() ||
              !unanswered.contains(std::string(id->as_string()))) {
            return Rejection{400, "invalid_request_error",
                             block_where +
                                 ": unexpected `tool_use_id` found in `tool_result` blocks. Each "
                                 "`tool_result` block must have a corresponding `tool_use` block "
                                 "in the previous message."};
          }
          answered.insert(std::string(id->as_string()));
        } else {
          return Rejection{400, "invalid_request_error",
                           block_where + ": a " + std::string(kind) +
                               " block is not allowed in a " + std::string(role->as_string()) +
                               " message"};
        }
      }
    } else {
      return Rejection{400, "invalid_request_error",
                       where + ".content: Input should be a valid string or list"};
    }
    for (const auto& id : unanswered) {
      if (!answered.contains(id)) {
        return Rejection{400, "invalid_request_error",
                         "messages." + std::to_string(i) +
                             ": `tool_use` ids were found without `tool_result` blocks immediately "
                             "after: " +
                             id +
                             ". Each `tool_use` block must have a corresponding `tool_result` "
                             "block in the next message."};
      }
    }
    unanswered = std::move(calls);
  }
  if (!unanswered.empty()) {
    return Rejection{400, "invalid_request_error",
                     "`tool_use` ids were found without `tool_result` blocks immediately after: " +
                         *unanswered.begin()};
  }
  return std::nullopt;
}

std::optional<Rejection> check_body(const FakeRequest& request, std::string& model) {
  const auto type = find_header(request.headers, "content-type").value_or("");
  if (type.find("application/json") == std::string::npos) {
    return Rejection{400, "invalid_request_error", "content-type must be application/json"};
  }
  boost::system::error_code parse_error;
  const auto parsed = json::parse(request.body, parse_error);
  if (parse_error || !parsed.is_object()) {
    return Rejection{400, "invalid_request_error", "The request body is not valid JSON."};
  }
  const auto& body = parsed.as_object();
  const auto* model_value = body.if_contains("model");
  if (model_value == nullptr || !model_value->is_string() || model_value->as_string().empty()) {
    return Rejection{400, "invalid_request_error", "model: Field required"};
  }
  model = std::string(model_value->as_string());
  if (!positive_integer(body.if_contains("max_tokens"))) {
    return Rejection{400, "invalid_request_error",
                     "max_tokens: Field required (a positive integer)"};
  }
  const auto* messages = body.if_contains("messages");
  if (messages == nullptr || !messages->is_array() || messages->as_array().empty()) {
    return Rejection{400, "invalid_request_error", "messages: Field required"};
  }
  std::size_t marks = 0;
  if (const auto* system = body.if_contains("system")) {
    if (system->is_array()) {
      for (std::size_t i = 0; i < system->as_array().size(); ++i) {
        const auto where = "system." + std::to_string(i);
        const auto* block = system->as_array()[i].if_object();
        if (block == nullptr || !block->contains("type") || block->at("type") != "text") {
          return Rejection{400, "invalid_request_error", where + ": only text blocks"};
        }
        if (auto rejection = check_text_block(*block, where)) return rejection;
        if (auto rejection = check_cache_control(*block, where, marks)) return rejection;
      }
    } else if (!system->is_string()) {
      return Rejection{400, "invalid_request_error",
                       "system: Input should be a valid string or list"};
    }
  }
  if (auto rejection = check_messages(messages->as_array(), marks)) return rejection;
  if (const auto* tools = body.if_contains("tools")) {
    if (!tools->is_array())
      return Rejection{400, "invalid_request_error", "tools: Input should be a valid list"};
    for (std::size_t i = 0; i < tools->as_array().size(); ++i) {
      const auto where = "tools." + std::to_string(i);
      const auto* tool = tools->as_array()[i].if_object();
      const auto* name = tool != nullptr ? tool->if_contains("name") : nullptr;
      const auto* schema = tool != nullptr ? tool->if_contains("input_schema") : nullptr;
      if (name == nullptr || !name->is_string() || !valid_tool_name(name->as_string())) {
        return Rejection{400, "invalid_request_error",
                         where + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'"};
      }
      if (schema == nullptr || !schema->is_object() || !schema->as_object().contains("type") ||
          schema->as_object().at("type") != "object") {
        return Rejection{
            400, "invalid_request_error",
            where + ".input_schema: an object schema ({\"type\": \"object\"}) is required"};
      }
      if (auto rejection = check_cache_control(*tool, where, marks)) return rejection;
    }
  }
  if (marks > 4) {
    return Rejection{400, "invalid_request_error",
                     "A maximum of 4 blocks with cache_control may be provided. Found " +
                         std::to_string(marks) + "."};
  }
  if (const auto* temperature = body.if_contains("temperature")) {
    if (!temperature->is_number() || temperature->to_number<double>() < 0 ||
        temperature->to_number<double>() > 1) {
      return Rejection{400, "invalid_request_error",
                       "temperature: Input should be less than or equal to 1"};
    }
  }
  const auto* stream = body.if_contains("stream");
  if (stream == nullptr || !stream->is_bool() || !stream->as_bool()) {
    return Rejection{400, "invalid_request_error",
                     "this fake only answers streaming requests (stream: true)"};
  }
  return std::nullopt;
}

std::string event(std::string_view type, json::object data) {
  data["type"] = type;
  return "event: " + std::string(type) + "\ndata: " + json::serialize(data) + "\n\n";
}

std::string block_start(std::size_t index, json::object block) {
  return event("content_block_start",
               json::object{{"index", index}, {"content_block", std::move(block)}});
}

std::string block_delta(std::size_t index, json::object delta) {
  return event("content_block_delta", json::object{{"index", index}, {"delta", std::move(delta)}});
}

std::string block_stop(std::size_t index) {
  return event("content_block_stop", json::object{{"index", index}});
}

// The events of a reply after message_start, each marked when it is a delta (counted by the
// fault knobs and followed by the inter-token delay).
struct ScriptedEvent {
  std::string text;
  bool delta = false;
};

std::vector<ScriptedEvent> content_events(const FakeAnthropicReply& reply) {
  std::vector<ScriptedEvent> events;
  std::size_t index = 0;
  if (reply.thinking) {
    events.push_back(
        {block_start(index,
                     json::object{{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}),
         false});
    events.push_back({block_delta(index, json::object{{"type", "thinking_delta"},
                                                      {"thinking", "The caller greets me."}}),
                      false});
    events.push_back({block_delta(index, json::object{{"type", "signature_delta"},
                                                      {"signature", "EqQBCgIYAhIM"}}),
                      false});
    events.push_back({block_stop(index++), false});
  }
  if (!reply.tokens.empty()) {
    events.push_back({block_start(index, json::object{{"type", "text"}, {"text", ""}}), false});
    for (const auto& token : reply.tokens) {
      events.push_back(
          {block_delta(index, json::object{{"type", "text_delta"}, {"text", token}}), true});
    }
    events.push_back({block_stop(index++), false});
  }
  for (const auto& tool : reply.tool_uses) {
    const auto id = tool.id.empty() ? "toolu_fake_" + std::to_string(index) : tool.id;
    events.push_back({block_start(index, json::object{{"type", "tool_use"},
                                                      {"id", id},
                                                      {"name", tool.name},
                                                      {"input", json::object{}}}),
                      false});
    events.push_back(
        {block_delta(index, json::object{{"type", "input_json_delta"}, {"partial_json", ""}}),
         false});
    for (const auto& fragment : tool.input_fragments) {
      events.push_back({block_delta(index, json::object{{"type", "input_json_delta"},
                                                        {"partial_json", fragment}}),
                        true});
    }
    events.push_back({block_stop(index++), false});
  }
  return events;
}

asio::awaitable<void> pause(milliseconds delay) {
  if (delay > milliseconds::zero()) co_await sleep_for(delay);
}

asio::awaitable<void> send(FakeHttpExchange& exchange, const std::string& text) {
  co_await exchange.send_chunk(text);
}

// Streams the reply; returns false when it stopped on a fault before its end.
asio::awaitable<bool> stream_reply(FakeHttpExchange& exchange, const FakeAnthropicReply& reply,
                                   const std::string& id, const std::string& model) {
  auto begin = exchange.begin_chunked(200, sse_headers());
  co_await std::move(begin);
  const auto& usage = reply.usage;
  const auto start =
      event("message_start",
            json::object{{"message",
                          json::object{{"id", id},
                                       {"type", "message"},
                                       {"role", "assistant"},
                                       {"content", json::array{}},
                                       {"model", model},
                                       {"stop_reason", nullptr},
                                       {"stop_sequence", nullptr},
                                       {"usage", json::object{{"input_tokens", usage.input_tokens},
                                                              {"cache_creation_input_tokens",
                                                               usage.cache_creation_input_tokens},
                                                              {"cache_read_input_tokens",
                                                               usage.cache_read_input_tokens},
                                                              {"output_tokens", 1}}}}}});
  co_await send(exchange, start);
  const auto ping = event("ping", json::object{});
  co_await send(exchange, ping);
  co_await pause(reply.time_to_first_token);
  std::size_t sent = 0;
  for (const auto& scripted : content_events(reply)) {
    if (scripted.delta) {
      if (reply.disconnect_after == sent) {
        exchange.disconnect();
        co_return false;
      }
      if (reply.malformed_after == sent) {
        const std::string broken =
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            "\"delta\":{\"type\":\"text_delta\",\"text\":\"oo\n\n";
        co_await send(exchange, broken);
        co_await exchange.end_chunked();
        co_return false;
      }
      if (reply.error_after == sent) {
        const auto error =
            event("error", json::object{{"error", json::object{{"type", "overloaded_error"},
                                                               {"message", "Overloaded"}}}});
        co_await send(exchange, error);
        co_await exchange.end_chunked();
        co_return false;
      }
      if (reply.end_after == sent) {
        co_await exchange.end_chunked();
        co_return false;
      }
      if (sent > 0) co_await pause(reply.inter_token_delay);
    }
    co_await send(exchange, scripted.text);
    if (!scripted.delta) continue;
    ++sent;
    if (reply.ping_every > 0 && sent % reply.ping_every == 0) co_await send(exchange, ping);
  }
  if (reply.disconnect_after == sent) {
    exchange.disconnect();
    co_return false;
  }
  if (reply.end_after == sent) {
    co_await exchange.end_chunked();
    co_return false;
  }
  const auto reason = !reply.stop_reason.empty()
                          ? reply.stop_reason
                          : (reply.tool_uses.empty() ? std::string("end_turn") : "tool_use");
  const auto delta = event(
      "message_delta",
      json::object{{"delta", json::object{{"stop_reason", reason}, {"stop_sequence", nullptr}}},
                   {"usage", json::object{{"output_tokens", usage.output_tokens}}}});
  co_await send(exchange, delta);
  const auto stop = event("message_stop", json::object{});
  co_await send(exchange, stop);
  co_await exchange.end_chunked();
  co_return true;
}

asio::awaitable<void> respond_error(FakeHttpExchange& exchange, int status, std::string_view type,
                                    std::string_view message, FakeHeaders headers) {
  headers.emplace_back("Content-Type", "application/json");
  headers.emplace_back("x-should-retry", status >= 500 || status == 429 ? "true" : "false");
  FakeResponse response{status, std::move(headers), error_body(type, message)};
  auto sending = exchange.respond(std::move(response));
  co_await std::move(sending);
}

std::optional<Rejection> check_headers(const FakeRequest& request, const std::string& api_key) {
  const auto key = request.header("x-api-key");
  if (!key) return Rejection{401, "authentication_error", "x-api-key header is required"};
  if (*key != api_key) return Rejection{401, "authentication_error", "invalid x-api-key"};
  if (!request.header("anthropic-version")) {
    return Rejection{400, "invalid_request_error", "anthropic-version: header is required"};
  }
  return std::nullopt;
}

}  // namespace

FakeAnthropic::FakeAnthropic(FakeAnthropicOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<detail::FakeAnthropicState>()),
      server_(FakeServerOptions{options_.tls, {"127.0.0.1", "localhost"}}) {
  server_.on_http(
      "POST", "/v1/messages",
      [state = state_, options = options_](FakeHttpExchange& exchange) -> asio::awaitable<void> {
        const auto& request = exchange.request();
        FakeChatRequest record{request.connection_id, request.headers, request.body, {}};
        std::string model;
        auto rejection = check_headers(request, options.api_key);
        if (!rejection) rejection = check_body(request, model);
        if (rejection) {
          record.rejection = rejection->message;
          state->record(std::move(record));
          auto answer = respond_error(exchange, rejection->status, rejection->type,
                                      rejection->message, FakeHeaders{});
          co_await std::move(answer);
          co_return;
        }
        const auto id = "msg_fake" + std::to_string(state->record(std::move(record)));
        const auto reply = state->next_reply(options.default_reply);
        if (reply.status != 200) {
          auto answer = respond_error(exchange, reply.status, reply.error_type, reply.error_message,
                                      reply.error_headers);
          co_await std::move(answer);
          co_return;
        }
        bool complete = false;
        bool client_left = false;
        try {
          auto streaming = stream_reply(exchange, reply, id, model);
          complete = co_await std::move(streaming);
        } catch (const boost::system::system_error&) {
          client_left = true;
        }
        state->stream_ended(complete, client_left);
      });
  server_.start();
}

FakeAnthropic::~FakeAnthropic() {
  server_.stop();
}

std::string FakeAnthropic::base_url() const {
  return server_.url("");
}

void FakeAnthropic::enqueue(FakeAnthropicReply reply) {
  const std::lock_guard lock(state_->mutex);
  state_->queue.push_back(std::move(reply));
}

std::vector<FakeChatRequest> FakeAnthropic::requests() const {
  const std::lock_guard lock(state_->mutex);
  return state_->requests;
}

std::size_t FakeAnthropic::completed_streams() const {
  const std::lock_guard lock(state_->mutex);
  return state_->completed;
}

std::size_t FakeAnthropic::client_disconnects() const {
  const std::lock_guard lock(state_->mutex);
  return state_->disconnects;
}

}  // namespace patter::fakes
