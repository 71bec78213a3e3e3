#include "fakes/fake_gemini.hpp"

#include "fakes/fake_reply_ledger.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/system/system_error.hpp>
#include <cctype>
#include <deque>
#include <mutex>
#include <utility>

namespace patter::fakes {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

FakeGeminiReply FakeGeminiReply::text(std::vector<std::string> tokens) {
  FakeGeminiReply reply;
  reply.tokens = std::move(tokens);
  return reply;
}

FakeGeminiReply FakeGeminiReply::function_calls(std::vector<FakeGeminiCall> calls,
                                                std::vector<std::string> tokens) {
  FakeGeminiReply reply;
  reply.tokens = std::move(tokens);
  reply.calls = std::move(calls);
  return reply;
}

FakeGeminiReply FakeGeminiReply::http_error(int status, std::string error_status,
                                            std::string message) {
  FakeGeminiReply reply;
  reply.status = status;
  reply.error_status = std::move(error_status);
  reply.error_message = std::move(message);
  return reply;
}

FakeGeminiReply FakeGeminiReply::rate_limited(int retry_delay_seconds) {
  auto reply = http_error(429, "RESOURCE_EXHAUSTED",
                          "You exceeded your current quota, please check your plan and billing "
                          "details.");
  reply.retry_delay = std::to_string(retry_delay_seconds) + "s";
  return reply;
}

FakeGeminiReply FakeGeminiReply::server_error(int status) {
  return http_error(status, "UNAVAILABLE", "The model is overloaded. Please try again later.");
}

namespace detail {

struct FakeGeminiState : FakeReplyLedger<FakeGeminiReply> {};

}  // namespace detail

namespace {

struct Rejection {
  int status = 400;
  std::string status_name = "INVALID_ARGUMENT";
  std::string message;
  json::array details;
};

Rejection invalid(std::string message) {
  return Rejection{400, "INVALID_ARGUMENT", std::move(message), {}};
}

std::string error_body(int status, std::string_view status_name, std::string_view message,
                       json::array details) {
  json::object error{{"code", status}, {"message", message}, {"status", status_name}};
  if (!details.empty()) error["details"] = std::move(details);
  return json::serialize(json::object{{"error", std::move(error)}});
}

bool valid_function_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         (std::isalpha(static_cast<unsigned char>(name.front())) != 0 || name.front() == '_') &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' ||
                  c == '.';
         });
}

// Counts the turn's function calls (model) or responses (user); nullopt when the parts are fine.
std::optional<Rejection> check_parts(const json::value& parts_value, bool model,
                                     const std::string& where, std::size_t& calls,
                                     std::size_t& responses) {
  const auto* parts = parts_value.if_array();
  if (parts == nullptr || parts->empty()) return invalid(where + ".parts: must not be empty");
  for (std::size_t p = 0; p < parts->size(); ++p) {
    const auto part_where = where + ".parts[" + std::to_string(p) + "]";
    const auto* part = (*parts)[p].if_object();
    if (part == nullptr) return invalid(part_where + ": not an object");
    if (const auto* text = part->if_contains("text")) {
      if (!text->is_string()) return invalid(part_where + ".text: not a string");
    } else if (const auto* call = part->if_contains("functionCall")) {
      const auto* fields = call->if_object();
      const auto* name = fields != nullptr ? fields->if_contains("name") : nullptr;
      const auto* args = fields != nullptr ? fields->if_contains("args") : nullptr;
      if (!model || name == nullptr || !name->is_string() || (args && !args->is_object())) {
        return invalid(part_where +
                       ".function_call: a model turn's call needs a name and object args");
      }
      ++calls;
    } else if (const auto* response = part->if_contains("functionResponse")) {
      const auto* fields = response->if_object();
      const auto* name = fields != nullptr ? fields->if_contains("name") : nullptr;
      const auto* body = fields != nullptr ? fields->if_contains("response") : nullptr;
      if (model || name == nullptr || !name->is_string() || name->as_string().empty() ||
          body == nullptr || !body->is_object()) {
        return invalid(part_where +
                       ".function_response: a user turn's response needs a name and an object "
                       "response");
      }
      ++responses;
    } else {
      return invalid(part_where + ": a part needs text, functionCall or functionResponse");
    }
  }
  return std::nullopt;
}

std::optional<Rejection> check_contents(const json::value* contents_value) {
  const auto* contents = contents_value != nullptr ? contents_value->if_array() : nullptr;
  if (contents == nullptr || contents->empty())
    return invalid("* contents: contents is not specified");
  std::size_t open_calls = 0;  // the previous model turn's function calls
  for (std::size_t i = 0; i < contents->size(); ++i) {
    const auto where = "contents[" + std::to_string(i) + "]";
    const auto* content = (*contents)[i].if_object();
    const auto* role = content != nullptr ? content->if_contains("role") : nullptr;
    if (role == nullptr || !role->is_string() ||
        (role->as_string() != "user" && role->as_string() != "model")) {
      return invalid("Please use a valid role: user, model.");
    }
    const bool model = role->as_string() == "model";
    if (i == 0 && model) {
      return invalid("Please ensure that multiturn requests alternate between user and model.");
    }
    const auto* parts = content->if_contains("parts");
    if (parts == nullptr) return invalid(where + ".parts: must not be empty");
    std::size_t calls = 0;
    std::size_t responses = 0;
    if (auto rejection = check_parts(*parts, model, where, calls, responses)) return rejection;
    if (responses != open_calls && (open_calls > 0 || responses > 0)) {
      return invalid(
          "Please ensure that the number of function response parts is equal to the number of "
          "function call parts of the function call turn.");
    }
    open_calls = calls;
  }
  return std::nullopt;
}

std::optional<Rejection> check_tools(const json::value& tools_value) {
  const auto* tools = tools_value.if_array();
  if (tools == nullptr) return invalid("tools: not a list");
  for (const auto& tool_value : *tools) {
    const auto* tool = tool_value.if_object();
    const auto* declarations =
        tool != nullptr ? tool->if_contains("functionDeclarations") : nullptr;
    if (declarations == nullptr || !declarations->is_array()) {
      return invalid("tools[]: this fake knows functionDeclarations only");
    }
    for (std::size_t d = 0; d < declarations->as_array().size(); ++d) {
      const auto where = "tools[0].function_declarations[" + std::to_string(d) + "]";
      const auto* declaration = declarations->as_array()[d].if_object();
      const auto* name = declaration != nullptr ? declaration->if_contains("name") : nullptr;
      if (name == nullptr || !name->is_string() || !valid_function_name(name->as_string())) {
        return invalid(where +
                       ".name: Invalid function name. Must start with a letter or an "
                       "underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), "
                       "dots (.) or dashes (-), with a maximum length of 64.");
      }
      const auto* parameters = declaration->if_contains("parameters");
      if (parameters == nullptr) continue;
      const auto* schema = parameters->if_object();
      if (schema == nullptr) return invalid(where + ".parameters: not an object");
      for (const auto* unknown : {"$schema", "additionalProperties"}) {
        if (schema->contains(unknown)) {
          return invalid("Invalid JSON payload received. Unknown name \"" + std::string(unknown) +
                         "\" at '" + where + ".parameters': Cannot find field.");
        }
      }
      const auto* properties = schema->if_contains("properties");
      if (schema->contains("type") && schema->at("type") == "object" &&
          (properties == nullptr || !properties->is_object() || properties->as_object().empty())) {
        return invalid(where + ".parameters.properties: should be non-empty for OBJECT type");
      }
    }
  }
  return std::nullopt;
}

std::optional<Rejection> check_body(const FakeRequest& request) {
  const auto type = find_header(request.headers, "content-type").value_or("");
  if (type.find("application/json") == std::string::npos) {
    return invalid("Invalid JSON payload received: content-type must be application/json");
  }
  if (request.query_param("alt") != "sse") {
    return invalid("this fake streams Server-Sent Events only (alt=sse)");
  }
  boost::system::error_code parse_error;
  const auto parsed = json::parse(request.body, parse_error);
  if (parse_error || !parsed.is_object()) return invalid("Invalid JSON payload received.");
  const auto& body = parsed.as_object();
  if (auto rejection = check_contents(body.if_contains("contents"))) return rejection;
  if (const auto* system = body.if_contains("systemInstruction")) {
    const auto* parts = system->is_object() ? system->as_object().if_contains("parts") : nullptr;
    if (parts == nullptr || !parts->is_array() ||
        !std::all_of(parts->as_array().begin(), parts->as_array().end(), [](const json::value& p) {
          return p.is_object() && p.as_object().contains("text") && p.at("text").is_string();
        })) {
      return invalid("systemInstruction: needs parts with text");
    }
  }
  if (const auto* tools = body.if_contains("tools")) {
    if (auto rejection = check_tools(*tools)) return rejection;
  }
  if (const auto* generation = body.if_contains("generationConfig")) {
    if (!generation->is_object()) return invalid("generationConfig: not an object");
    const auto& config = generation->as_object();
    if (const auto* temperature = config.if_contains("temperature");
        temperature && (!temperature->is_number() || temperature->to_number<double>() < 0 ||
                        temperature->to_number<double>() > 2)) {
      return invalid("generation_config.temperature: must be between 0 and 2");
    }
    if (const auto* limit = config.if_contains("maxOutputTokens");
        limit && !((limit->is_int64() && limit->as_int64() > 0) ||
                   (limit->is_uint64() && limit->as_uint64() > 0))) {
      return invalid("generation_config.max_output_tokens: must be positive");
    }
  }
  return std::nullopt;
}

std::optional<Rejection> check_key(const FakeRequest& request, const std::string& api_key) {
  auto key = request.header("x-goog-api-key");
  if (!key) key = request.query_param("key");
  if (!key) {
    return Rejection{403,
                     "PERMISSION_DENIED",
                     "Method doesn't allow unregistered callers (callers without established "
                     "identity). Please use API Key or other form of API consumer identity to "
                     "call this API.",
                     {}};
  }
  if (*key != api_key) {
    json::array details{json::object{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
                                     {"reason", "API_KEY_INVALID"},
                                     {"domain", "googleapis.com"}}};
    return Rejection{400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                     std::move(details)};
  }
  return std::nullopt;
}

json::object usage_json(const FakeGeminiUsage& usage, std::int64_t candidates) {
  json::object metadata{
      {"promptTokenCount", usage.prompt_tokens},
      {"candidatesTokenCount", candidates},
      {"totalTokenCount", usage.prompt_tokens + candidates + usage.thoughts_tokens}};
  if (usage.cached_tokens != 0) metadata["cachedContentTokenCount"] = usage.cached_tokens;
  if (usage.thoughts_tokens != 0) metadata["thoughtsTokenCount"] = usage.thoughts_tokens;
  return metadata;
}

// The events of a reply: one per token, one with the calls, the last with finishReason.
std::vector<std::string> reply_events(const FakeGeminiReply& reply, const std::string& model,
                                      const std::string& response_id) {
  std::vector<json::array> part_lists;
  for (std::size_t i = 0; i < reply.tokens.size(); ++i) {
    json::array parts;
    if (i == 0 && reply.thought)
      parts.push_back(json::object{{"text", "Greeting the caller."}, {"thought", true}});
    parts.push_back(json::object{{"text", reply.tokens[i]}});
    part_lists.push_back(std::move(parts));
  }
  if (!reply.calls.empty()) {
    json::array parts;
    for (const auto& call : reply.calls) {
      json::object function{{"name", call.name}, {"args", json::parse(call.args_json)}};
      if (!call.id.empty()) function["id"] = call.id;
      parts.push_back(json::object{{"functionCall", std::move(function)}});
    }
    part_lists.push_back(std::move(parts));
  }
  if (part_lists.empty()) part_lists.emplace_back(json::array{json::object{{"text", ""}}});
  std::vector<std::string> events;
  for (std::size_t i = 0; i < part_lists.size(); ++i) {
    const bool last = i + 1 == part_lists.size();
    json::object candidate{
        {"content", json::object{{"parts", std::move(part_lists[i])}, {"role", "model"}}},
        {"index", 0}};
    if (last) candidate["finishReason"] = reply.finish_reason;
    // Running totals: the candidates' count grows with each event.
    const auto candidates = reply.usage.candidates_tokens * static_cast<std::int64_t>(i + 1) /
                            static_cast<std::int64_t>(part_lists.size());
    json::object response{{"candidates", json::array{std::move(candidate)}},
                          {"usageMetadata", usage_json(reply.usage, candidates)},
                          {"modelVersion", model},
                          {"responseId", response_id}};
    events.push_back("data: " + json::serialize(response) + "\r\n\r\n");
  }
  return events;
}

asio::awaitable<void> pause(milliseconds delay) {
  if (delay > milliseconds::zero()) co_await sleep_for(delay);
}

// Streams the reply; returns false when it stopped on a fault before its end.
asio::awaitable<bool> stream_reply(FakeHttpExchange& exchange, const FakeGeminiReply& reply,
                                   const std::string& model, const std::string& response_id) {
  auto begin = exchange.begin_chunked(200, sse_headers());
  co_await std::move(begin);
  co_await pause(reply.time_to_first_token);
  const auto events = reply_events(reply, model, response_id);
  for (std::size_t sent = 0; sent < events.size(); ++sent) {
    if (reply.disconnect_after == sent) {
      exchange.disconnect();
      co_return false;
    }
    if (reply.malformed_after == sent) {
      const std::string broken = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"te\r\n\r\n";
      co_await exchange.send_chunk(broken);
      co_await exchange.end_chunked();
      co_return false;
    }
    if (reply.error_after == sent) {
      const auto error =
          "data: " + error_body(500, "INTERNAL", "An internal error has occurred.", {}) +
          "\r\n\r\n";
      co_await exchange.send_chunk(error);
      co_await exchange.end_chunked();
      co_return false;
    }
    if (reply.end_after == sent) {
      co_await exchange.end_chunked();
      co_return false;
    }
    if (sent > 0) co_await pause(reply.inter_token_delay);
    co_await exchange.send_chunk(events[sent]);
  }
  co_await exchange.end_chunked();
  co_return true;
}

asio::awaitable<void> respond_error(FakeHttpExchange& exchange, int status,
                                    std::string_view status_name, std::string_view message,
                                    json::array details, FakeHeaders headers) {
  headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
  FakeResponse response{status, std::move(headers),
                        error_body(status, status_name, message, std::move(details))};
  auto sending = exchange.respond(std::move(response));
  co_await std::move(sending);
}

FakeHttpHandler stream_handler(std::shared_ptr<detail::FakeGeminiState> state,
                               FakeGeminiOptions options, std::string model) {
  return [state = std::move(state), options = std::move(options),
          model = std::move(model)](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    const auto& request = exchange.request();
    FakeChatRequest record{request.connection_id, request.headers, request.body, {}};
    auto rejection = check_key(request, options.api_key);
    if (!rejection) rejection = check_body(request);
    if (rejection) {
      record.rejection = rejection->message;
      state->record(std::move(record));
      auto answer = respond_error(exchange, rejection->status, rejection->status_name,
                                  rejection->message, std::move(rejection->details), FakeHeaders{});
      co_await std::move(answer);
      co_return;
    }
    const auto response_id = "resp-fake-" + std::to_string(state->record(std::move(record)));
    const auto reply = state->next_reply(options.default_reply);
    if (reply.status != 200) {
      json::array details;
      if (!reply.retry_delay.empty()) {
        details.push_back(json::object{{"@type", "type.googleapis.com/google.rpc.RetryInfo"},
                                       {"retryDelay", reply.retry_delay}});
      }
      auto answer = respond_error(exchange, reply.status, reply.error_status, reply.error_message,
                                  std::move(details), reply.error_headers);
      co_await std::move(answer);
      co_return;
    }
    bool complete = false;
    bool client_left = false;
    try {
      auto streaming = stream_reply(exchange, reply, model, response_id);
      complete = co_await std::move(streaming);
    } catch (const boost::system::system_error&) {
      client_left = true;
    }
    state->stream_ended(complete, client_left);
  };
}

}  // namespace

FakeGemini::FakeGemini(FakeGeminiOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<detail::FakeGeminiState>()),
      server_(FakeServerOptions{options_.tls, {"127.0.0.1", "localhost"}}) {
  for (const auto& model : options_.models) {
    server_.on_http("POST", "/v1beta/models/" + model + ":streamGenerateContent",
                    stream_handler(state_, options_, model));
  }
  server_.start();
}

FakeGemini::~FakeGemini() {
  server_.stop();
}

std::string FakeGemini::base_url() const {
  return server_.url("");
}

void FakeGemini::enqueue(FakeGeminiReply reply) {
  const std::lock_guard lock(state_->mutex);
  state_->queue.push_back(std::move(reply));
}

std::vector<FakeChatRequest> FakeGemini::requests() const {
  const std::lock_guard lock(state_->mutex);
  return state_->requests;
}

std::size_t FakeGemini::completed_streams() const {
  const std::lock_guard lock(state_->mutex);
  return state_->completed;
}

std::size_t FakeGemini::client_disconnects() const {
  const std::lock_guard lock(state_->mutex);
  return state_->disconnects;
}

}  // namespace patter::fakes
