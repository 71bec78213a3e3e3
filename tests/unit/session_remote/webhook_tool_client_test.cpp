#include "session/remote/webhook_tool_client.hpp"

#include <atomic>
#include <boost/json.hpp>
#include <optional>
#include <string>

#include "fakes/fake_server.hpp"
#include "remote_test_support.hpp"

namespace patter::session {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using fakes::FakeHttpExchange;
using fakes::FakeServer;
using std::chrono::milliseconds;

ToolWebhookOptions fast_options() {
  ToolWebhookOptions options;
  options.attempt_timeout = milliseconds(2000);
  options.retry_delay = milliseconds(10);
  options.url_policy = testing::loopback_allowed();
  return options;
}

Tool webhook_tool(std::string url) {
  Tool tool;
  tool.name = "lookup_order";
  tool.webhook_url = std::move(url);
  return tool;
}

ToolCall tool_call(std::string arguments = R"({"order":"A-17"})") {
  return ToolCall{"call_1", "lookup_order", std::move(arguments)};
}

const CallParties kParties{"CA123", "+15550001111", "+15550002222"};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class WebhookToolClientTest : public testing::RemoteClientTest {
 protected:
  // Invokes the tool and runs the loop until `done` reports; the result, or nullopt.
  std::optional<std::string> invoke(ToolWebhookOptions options, const Tool& tool,
                                    const ToolCall& call = tool_call()) {
    HttpToolWebhookClient client(io_.get_executor(), std::move(options));
    std::optional<std::string> result;
    int calls = 0;
    auto handle = client.invoke(tool, call, kParties, [&](std::string text) {
      ++calls;
      result = std::move(text);
    });
    run_until([&] { return calls > 0; });
    EXPECT_TRUE(run_until_idle(milliseconds(2000)));
    EXPECT_LE(calls, 1);
    return result;
  }

  // The error text of a {"error", "fallback": true} result.
  static std::string fallback_error(const std::string& result) {
    const auto value = json::parse(result).as_object();
    EXPECT_EQ(value.at("fallback"), json::value(true));
    return std::string(value.at("error").as_string());
  }

  FakeServer server_;
};

TEST_F(WebhookToolClientTest, PostsToolCallAndReturnsTheBody) {
  server_.on_http("POST", "/tool", fakes::FakeResponse{200, {}, R"({"status":"shipped"})"});
  server_.start();
  const auto result = invoke(fast_options(), webhook_tool(server_.url("/tool")));
  EXPECT_EQ(result, R"({"status":"shipped"})");

  const auto requests = server_.log().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("Content-Type"), "application/json");
  const auto body = json::parse(requests[0].body).as_object();
  EXPECT_EQ(body.at("tool"), json::value("lookup_order"));
  EXPECT_EQ(body.at("arguments"), json::parse(R"({"order":"A-17"})"));
  EXPECT_EQ(body.at("call_id"), json::value("CA123"));
  EXPECT_EQ(body.at("caller"), json::value("+15550001111"));
  EXPECT_EQ(body.at("callee"), json::value("+15550002222"));
  EXPECT_EQ(body.at("attempt"), json::value(1));
}

TEST_F(WebhookToolClientTest, ArgumentsThatAreNotJsonAreSentAsAString) {
  server_.on_http("POST", "/tool", fakes::FakeResponse{200, {}, "ok"});
  server_.start();
  invoke(fast_options(), webhook_tool(server_.url("/tool")), tool_call("order A-17"));
  const auto requests = server_.log().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(json::parse(requests[0].body).at("arguments"), json::value("order A-17"));
}

TEST_F(WebhookToolClientTest, RetriesUntilAnAttemptSucceeds) {
  std::atomic<int> seen{0};
  server_.on_http("POST", "/tool", [&](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    if (++seen < 3) co_return co_await exchange.respond(500, "busy");
    co_await exchange.respond(200, "third time lucky");
  });
  server_.start();
  const auto result = invoke(fast_options(), webhook_tool(server_.url("/tool")));
  EXPECT_EQ(result, "third time lucky");
  const auto requests = server_.log().requests();
  ASSERT_EQ(requests.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(json::parse(requests[i].body).at("attempt"), json::value(i + 1));
  }
}

TEST_F(WebhookToolClientTest, GivesUpWithAFallbackErrorAfterThreeAttempts) {
  server_.on_http("POST", "/tool", fakes::FakeResponse{500, {}, "down"});
  server_.start();
  const auto result = invoke(fast_options(), webhook_tool(server_.url("/tool")));
  ASSERT_TRUE(result);
  const auto error = fallback_error(*result);
  EXPECT_TRUE(contains(error, "HTTP 500")) << error;
  EXPECT_TRUE(contains(error, "3 attempts")) << error;
  EXPECT_EQ(server_.log().requests().size(), 3u);
}

TEST_F(WebhookToolClientTest, EachAttemptTimesOut) {
  server_.on_http("POST", "/tool", [](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.stall();
  });
  server_.start();
  auto options = fast_options();
  options.attempt_timeout = milliseconds(100);
  const auto result = invoke(options, webhook_tool(server_.url("/tool")));
  ASSERT_TRUE(result);
  const auto error = fallback_error(*result);
  EXPECT_TRUE(contains(error, "timeout")) << error;
  EXPECT_TRUE(server_.log().wait_for_requests(3, milliseconds(1000)));
  EXPECT_EQ(server_.log().requests().size(), 3u);
}

TEST_F(WebhookToolClientTest, ResponseOfExactlyTheCapIsAccepted) {
  const std::string body(std::size_t{1} << 20, 'x');
  server_.on_http("POST", "/tool", fakes::FakeResponse{200, {}, body});
  server_.start();
  EXPECT_EQ(invoke(fast_options(), webhook_tool(server_.url("/tool"))), body);
}

TEST_F(WebhookToolClientTest, OversizedResponseFailsWithoutRetry) {
  server_.on_http("POST", "/tool",
                  fakes::FakeResponse{200, {}, std::string((std::size_t{1} << 20) + 1, 'x')});
  server_.start();
  const auto result = invoke(fast_options(), webhook_tool(server_.url("/tool")));
  ASSERT_TRUE(result);
  const auto error = fallback_error(*result);
  EXPECT_TRUE(contains(error, "larger than 1048576 bytes")) << error;
  EXPECT_EQ(server_.log().requests().size(), 1u);
}

TEST_F(WebhookToolClientTest, DefaultPolicyRefusesMetadataAndLoopbackHosts) {
  server_.start();
  ToolWebhookOptions options;  // default policy: no allowed hosts
  for (const auto& url :
       {std::string("http://169.254.169.254/latest/meta-data"), server_.url("/tool")}) {
    const auto result = invoke(options, webhook_tool(url));
    ASSERT_TRUE(result) << url;
    const auto error = fallback_error(*result);
    EXPECT_TRUE(contains(error, "refused")) << error;
  }
  EXPECT_EQ(server_.log().connections_accepted(), 0u);
}

TEST_F(WebhookToolClientTest, CancelStopsTheRequestInFlight) {
  server_.on_http("POST", "/tool", [](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.stall();
  });
  server_.start();
  auto options = fast_options();
  options.attempt_timeout = milliseconds(5000);  // far beyond the idle check below
  HttpToolWebhookClient client(io_.get_executor(), options);
  int calls = 0;
  auto handle = client.invoke(webhook_tool(server_.url("/tool")), tool_call(), kParties,
                              [&](const std::string&) { ++calls; });
  ASSERT_TRUE(run_until([&] { return server_.log().requests().size() == 1; }));
  handle->cancel();
  handle->cancel();
  EXPECT_TRUE(run_until_idle(milliseconds(2000)));
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(server_.log().requests().size(), 1u);
}

TEST_F(WebhookToolClientTest, CancelStopsRetries) {
  server_.on_http("POST", "/tool", fakes::FakeResponse{503, {}, "later"});
  server_.start();
  auto options = fast_options();
  options.retry_delay = milliseconds(5000);
  HttpToolWebhookClient client(io_.get_executor(), options);
  int calls = 0;
  auto handle = client.invoke(webhook_tool(server_.url("/tool")), tool_call(), kParties,
                              [&](const std::string&) { ++calls; });
  ASSERT_TRUE(run_until([&] { return server_.log().requests().size() == 1; }));
  handle->cancel();
  EXPECT_TRUE(run_until_idle(milliseconds(2000)));
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(server_.log().requests().size(), 1u);
}

TEST_F(WebhookToolClientTest, CancelAfterTheResultDoesNothing) {
  server_.on_http("POST", "/tool", fakes::FakeResponse{200, {}, "ok"});
  server_.start();
  HttpToolWebhookClient client(io_.get_executor(), fast_options());
  int calls = 0;
  auto handle = client.invoke(webhook_tool(server_.url("/tool")), tool_call(), kParties,
                              [&](const std::string&) { ++calls; });
  ASSERT_TRUE(run_until([&] { return calls == 1; }));
  handle->cancel();
  EXPECT_TRUE(run_until_idle(milliseconds(2000)));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace patter::session
