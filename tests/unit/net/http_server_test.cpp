#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <stdexcept>

#include "server_fixture.hpp"

namespace patter::net::testing {
namespace {

using Handler = asio::awaitable<HttpResponse>;

std::string status_line(const std::string& raw) { return raw.substr(0, raw.find("\r\n")); }

class HttpServerTest : public ServerFixture {};

TEST_F(HttpServerTest, RoutesWithPathParamsAndDecodedQuery) {
  router_.get("/calls/{call_id}/events/{kind}", [](HttpRequest& request) -> Handler {
    co_return HttpResponse::json(boost::json::object{{"call", request.path_param("call_id")},
                                                     {"kind", request.path_param("kind")},
                                                     {"limit", *request.query_param("limit")}});
  });
  start_server();
  auto response = http_request(port(), http::verb::get, "/calls/CA%2042/events/mark?limit=a+b");
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "application/json");
  auto body = boost::json::parse(response.body());
  EXPECT_EQ(body.at("call").as_string(), "CA 42");
  EXPECT_EQ(body.at("kind").as_string(), "mark");
  EXPECT_EQ(body.at("limit").as_string(), "a b");
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  router_.post("/webhooks/voice", [](HttpRequest&) -> Handler { co_return HttpResponse::text("ok"); });
  start_server();
  auto missing = http_request(port(), http::verb::get, "/nothing/here");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(boost::json::parse(missing.body()).at("error").as_string(), "not found");
  auto wrong_method = http_request(port(), http::verb::get, "/webhooks/voice");
  EXPECT_EQ(wrong_method.result_int(), 405);
  EXPECT_EQ(wrong_method[http::field::allow], "POST");
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  router_.get("/remote", [](HttpRequest& request) -> Handler {
    co_return HttpResponse::text(request.remote_address);
  });
  start_server();
  auto bodies = run_client([&](asio::io_context&) -> asio::awaitable<std::pair<std::string, std::string>> {
    auto stream = co_await connect_to(port());
    auto first = co_await exchange(stream, make_request(http::verb::get, "/remote"));
    EXPECT_TRUE(first.keep_alive());
    auto second = co_await exchange(stream, make_request(http::verb::get, "/remote"));
    co_return std::pair{first.body(), second.body()};
  });
  EXPECT_EQ(bodies.first, "127.0.0.1");
  EXPECT_EQ(bodies.second, "127.0.0.1");
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  router_.get("/", [](HttpRequest&) -> Handler { co_return HttpResponse::text("ok"); });
  ServerOptions options;
  options.max_header_bytes = 1024;
  start_server(options);
  const std::string raw = raw_exchange(port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') +
                                                   "\r\n\r\n");
  EXPECT_EQ(status_line(raw), "HTTP/1.1 431 Request Header Fields Too Large");
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  router_.post("/upload", [](HttpRequest& request) -> Handler { co_return HttpResponse::text(request.body); });
  ServerOptions options;
  options.max_body_bytes = 100;
  start_server(options);
  auto declared = http_request(port(), http::verb::post, "/upload", std::string(101, 'x'));
  EXPECT_EQ(declared.result_int(), 413);
  const std::string chunked = raw_exchange(port(),
                                           "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                           "40\r\n" + std::string(64, 'a') + "\r\n40\r\n" + std::string(64, 'b') +
                                               "\r\n0\r\n\r\n");
  EXPECT_EQ(status_line(chunked), "HTTP/1.1 413 Payload Too Large");
  auto within_limit = http_request(port(), http::verb::post, "/upload", std::string(100, 'x'));
  EXPECT_EQ(within_limit.result_int(), 200);
}

TEST_F(HttpServerTest, ChunkedRequestBodyIsReassembled) {
  router_.post("/echo", [](HttpRequest& request) -> Handler { co_return HttpResponse::text(request.body); });
  start_server();
  const std::string raw = raw_exchange(port(),
                                       "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                       "Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  EXPECT_EQ(status_line(raw), "HTTP/1.1 200 OK");
  EXPECT_TRUE(raw.ends_with("\r\n\r\nhello world"));
}

TEST_F(HttpServerTest, MalformedRequestLineIs400) {
  start_server();
  const std::string raw = raw_exchange(port(), "THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(status_line(raw), "HTTP/1.1 400 Bad Request");
  EXPECT_NE(raw.find("malformed request"), std::string::npos);
}

TEST_F(HttpServerTest, FormBodyKeepsOrderAndRepeatedKeys) {
  router_.post("/webhooks/voice", [](HttpRequest& request) -> Handler {
    boost::json::array pairs;
    for (const auto& [key, value] : request.form()) pairs.push_back(boost::json::array{key, value});
    co_return HttpResponse::json(pairs);
  });
  start_server();
  auto response = http_request(port(), http::verb::post, "/webhooks/voice", "CallSid=CA1&To=%2B1555&To=x+y",
                               "application/x-www-form-urlencoded");
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), R"([["CallSid","CA1"],["To","+1555"],["To","x y"]])");
}

TEST_F(HttpServerTest, JsonBodyAndMalformedJsonGetsClear400) {
  router_.post("/calls", [](HttpRequest& request) -> Handler {
    auto body = request.json();
    co_return HttpResponse::json(boost::json::object{{"to", body.at("to")}}, 201);
  });
  start_server();
  auto created = http_request(port(), http::verb::post, "/calls", R"({"to":"+1555"})", "application/json");
  EXPECT_EQ(created.result_int(), 201);
  EXPECT_EQ(created.body(), R"({"to":"+1555"})");
  auto malformed = http_request(port(), http::verb::post, "/calls", R"({"to":)", "application/json");
  EXPECT_EQ(malformed.result_int(), 400);
  const std::string error(boost::json::parse(malformed.body()).at("error").as_string());
  EXPECT_TRUE(error.starts_with("malformed JSON body")) << error;
}

TEST_F(HttpServerTest, HandlerExceptionIs500AndServerKeepsServing) {
  std::promise<std::string> logged;
  router_.get("/boom", [](HttpRequest&) -> Handler {
    throw std::runtime_error("database on fire");
    co_return HttpResponse::text("unreachable");
  });
  router_.get("/fine", [](HttpRequest&) -> Handler { co_return HttpResponse::text("fine"); });
  ServerOptions options;
  options.log_error = [&logged](std::string_view line) { logged.set_value(std::string(line)); };
  start_server(options);
  auto failed = http_request(port(), http::verb::get, "/boom");
  EXPECT_EQ(failed.result_int(), 500);
  EXPECT_EQ(boost::json::parse(failed.body()).at("error").as_string(), "internal server error");
  auto future = logged.get_future();
  EXPECT_NE(wait_for(future).find("database on fire"), std::string::npos);
  EXPECT_EQ(http_request(port(), http::verb::get, "/fine").body(), "fine");
}

TEST_F(HttpServerTest, HttpErrorFromHandlerKeepsItsStatus) {
  router_.get("/secret", [](HttpRequest&) -> Handler {
    throw HttpError(403, "signature mismatch");
    co_return HttpResponse::text("unreachable");
  });
  start_server();
  auto response = http_request(port(), http::verb::get, "/secret");
  EXPECT_EQ(response.result_int(), 403);
  EXPECT_EQ(boost::json::parse(response.body()).at("error").as_string(), "signature mismatch");
}

TEST_F(HttpServerTest, StreamingResponseSendsServerSentEvents) {
  router_.add_stream("GET", "/events", [](HttpRequest&, ResponseStream& stream) -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      if (!co_await stream.write("data: event " + std::to_string(i) + "\n\n")) co_return;
    }
  });
  start_server();
  auto response = http_request(port(), http::verb::get, "/events");
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "text/event-stream");
  EXPECT_EQ(response[http::field::cache_control], "no-cache");
  EXPECT_TRUE(response.chunked());
  EXPECT_EQ(response.body(), "data: event 0\n\ndata: event 1\n\ndata: event 2\n\n");
}

TEST_F(HttpServerTest, StreamingHandlerLearnsWhenClientHasGone) {
  std::promise<int> writes_until_gone;
  router_.add_stream("GET", "/events", [&](HttpRequest&, ResponseStream& stream) -> asio::awaitable<void> {
    const std::string event = "data: " + std::string(1000, 'x') + "\n\n";
    for (int i = 1; i <= 1'000'000; ++i) {
      if (!co_await stream.write(event)) {
        writes_until_gone.set_value(i);
        co_return;
      }
    }
    writes_until_gone.set_value(0);
  });
  start_server();
  run_client([&](asio::io_context&) -> asio::awaitable<bool> {
    auto stream = co_await connect_to(port());
    co_await http::async_write(stream, make_request(http::verb::get, "/events"), asio::use_awaitable);
    char first_bytes[64];
    co_await stream.async_read_some(asio::buffer(first_bytes), asio::use_awaitable);
    stream.socket().close();
    co_return true;
  });
  auto future = writes_until_gone.get_future();
  EXPECT_GT(wait_for(future), 0);  // 0 would mean every write claimed success
}

TEST_F(HttpServerTest, GracefulStopLetsRequestInFlightFinish) {
  std::promise<void> handler_started;
  router_.get("/slow", [&](HttpRequest&) -> Handler {
    handler_started.set_value();
    asio::steady_timer delay(co_await asio::this_coro::executor, std::chrono::milliseconds(200));
    co_await delay.async_wait(asio::use_awaitable);
    co_return HttpResponse::text("finished");
  });
  start_server();
  auto response = std::async(std::launch::async, [&] { return http_request(port(), http::verb::get, "/slow"); });
  auto started = handler_started.get_future();
  wait_for(started);
  server_->stop(std::chrono::seconds(5));
  auto finished = response.get();
  EXPECT_EQ(finished.result_int(), 200);
  EXPECT_EQ(finished.body(), "finished");
  EXPECT_FALSE(finished.keep_alive());
  EXPECT_EQ(server_->open_connections(), 0u);
}

}  // namespace
}  // namespace patter::net::testing
