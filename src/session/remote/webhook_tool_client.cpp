#include "session/remote/webhook_tool_client.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <exception>
#include <utility>

#include "net/http_client.hpp"
#include "core/exception_text.hpp"

namespace patter::session {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// One tool call. `ended` decides who reports, the request loop or cancel(), so `done` runs at
// most once and never after a cancel.
struct Invocation {
  asio::any_io_executor executor;
  std::function<void(std::string)> done;
  std::atomic<bool> ended{false};
  asio::cancellation_signal stop;  // emitted on the executor only

  void deliver(std::string result) {
    if (ended.exchange(true)) return;
    auto callback = std::move(done);
    callback(std::move(result));
  }
};

class InvocationHandle final : public Cancellable {
 public:
  explicit InvocationHandle(std::shared_ptr<Invocation> invocation)
      : invocation_(std::move(invocation)) {}

  void cancel() override {
    if (invocation_->ended.exchange(true)) return;
    invocation_->done = nullptr;  // the request loop will never read it now
    asio::post(invocation_->executor, [invocation = invocation_] {
      invocation->stop.emit(asio::cancellation_type::terminal);
    });
  }

 private:
  std::shared_ptr<Invocation> invocation_;
};

struct WebhookRequest {
  std::string url;
  std::string tool;
  json::object body;  // everything but "attempt"
};

json::value parse_arguments(const std::string& arguments) {
  boost::system::error_code error;
  auto parsed = json::parse(arguments, error);
  if (error) return json::string(arguments);
  return parsed;
}

std::string fallback_result(const std::string& reason) {
  json::object result;
  result["error"] = reason;
  result["fallback"] = true;
  return json::serialize(result);
}

// An oversized answer will not shrink and a malformed request will not heal.
bool worth_retrying(net::ClientErrorKind kind) {
  return kind != net::ClientErrorKind::body_too_large &&
         kind != net::ClientErrorKind::invalid_request;
}

asio::awaitable<void> run_webhook(std::shared_ptr<Invocation> invocation,
                                  std::shared_ptr<net::HttpClient> http, ToolWebhookOptions options,
                                  WebhookRequest request) {
  const auto check = net::check_outbound_url(request.url, options.url_policy);
  if (!check.allowed()) {
    invocation->deliver(
        fallback_result("webhook tool '" + request.tool + "' URL refused: " + check.reason));
    co_return;
  }
  const int max_attempts = std::max(options.max_attempts, 1);
  std::string cause;
  int attempt = 1;
  for (; attempt <= max_attempts; ++attempt) {
    if (attempt > 1) {
      asio::steady_timer pause(invocation->executor, options.retry_delay);
      co_await pause.async_wait(asio::use_awaitable);
    }
    if (invocation->ended) co_return;
    request.body["attempt"] = attempt;
    auto exchange = net::json_request("POST", request.url, json::serialize(request.body));
    exchange.total_timeout = options.attempt_timeout;
    try {
      auto pending = http->request(std::move(exchange));
      auto response = co_await std::move(pending);
      if (response.ok()) {
        invocation->deliver(std::move(response.body));
        co_return;
      }
      cause = "HTTP " + std::to_string(response.status);
    } catch (const net::ClientError& error) {
      cause = error.what();
      if (!worth_retrying(error.kind())) break;
    }
  }
  const int attempts = std::min(attempt, max_attempts);
  invocation->deliver(fallback_result("webhook tool '" + request.tool + "' failed after " +
                                      std::to_string(attempts) +
                                      (attempts == 1 ? " attempt: " : " attempts: ") + cause));
}

}  // namespace

HttpToolWebhookClient::HttpToolWebhookClient(asio::any_io_executor executor,
                                             ToolWebhookOptions options)
    : executor_(std::move(executor)), options_(std::move(options)) {
  net::HttpClientOptions http;
  http.connect_timeout = options_.attempt_timeout;
  http.total_timeout = options_.attempt_timeout;
  http.max_body_bytes = options_.max_response_bytes;
  http_ = std::make_shared<net::HttpClient>(executor_, std::move(http));
}

HttpToolWebhookClient::~HttpToolWebhookClient() = default;

std::unique_ptr<Cancellable> HttpToolWebhookClient::invoke(const Tool& tool, const ToolCall& call,
                                                           const CallParties& parties,
                                                           std::function<void(std::string)> done) {
  auto invocation = std::make_shared<Invocation>();
  invocation->executor = executor_;
  invocation->done = std::move(done);

  WebhookRequest request;
  request.url = tool.webhook_url;
  request.tool = tool.name;
  request.body["tool"] = tool.name;
  request.body["arguments"] = parse_arguments(call.arguments);
  request.body["call_id"] = parties.call_id;
  request.body["caller"] = parties.caller;
  request.body["callee"] = parties.callee;

  auto work = run_webhook(invocation, http_, options_, std::move(request));
  asio::co_spawn(
      executor_, std::move(work),
      asio::bind_cancellation_slot(
          invocation->stop.slot(), [invocation](const std::exception_ptr& error) {
            if (!error) return;
            invocation->deliver(fallback_result("webhook tool failed: " + core::exception_text(error)));
          }));
  return std::make_unique<InvocationHandle>(std::move(invocation));
}

}  // namespace patter::session
