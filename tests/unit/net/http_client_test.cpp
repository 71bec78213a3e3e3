#include "net/http_client.hpp"

#include <atomic>
#include <boost/asio/post.hpp>

#include "client_test_support.hpp"
#include "core/manual_clock.hpp"
#include "fakes/fake_server.hpp"
#include "fakes/saturated_listener.hpp"
#include "net/sse_parser.hpp"

namespace patter::net {
namespace {

namespace asio = boost::asio;
using fakes::FakeHttpExchange;
using fakes::FakeServer;
using std::chrono::milliseconds;
using testing::contains;

class HttpClientTest : public testing::ClientLoopTest {
 protected:
  HttpClientTest() {
    server_.on_http("GET", "/hello", fakes::FakeResponse{200, {{"X-Fake", "yes"}}, "world"});
  }

  HttpClient make_client(HttpClientOptions options = {}) {
    return HttpClient(io_.get_executor(), std::move(options));
  }

  FakeServer server_;
};

HttpClientRequest get(std::string url, std::optional<milliseconds> total_timeout = std::nullopt) {
  HttpClientRequest request;
  request.url = std::move(url);
  request.total_timeout = total_timeout;
  return request;
}

template <typename Adjust>
HttpClientOptions options_with(Adjust adjust) {
  HttpClientOptions options;
  adjust(options);
  return options;
}

asio::awaitable<void> echo_body(FakeHttpExchange& exchange) {
  co_await exchange.respond(200, exchange.request().body);
}

TEST_F(HttpClientTest, GetReturnsStatusHeadersAndBody) {
  server_.start();
  auto client = make_client();
  const auto response = run(client.request(get(server_.url("/hello"))));
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.ok());
  EXPECT_EQ(response.body, "world");
  EXPECT_EQ(response.header("x-fake"), "yes");
  const auto requests = server_.log().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].header("Host"), "127.0.0.1:" + std::to_string(server_.port()));
  EXPECT_EQ(requests[0].header("User-Agent"), "patter/0.1");
}

TEST_F(HttpClientTest, PostJsonSendsBodyContentTypeAndAuthorization) {
  server_.on_http("POST", "/v1/chat/completions", echo_body);
  server_.start();
  auto client = make_client();
  auto request =
      json_request("POST", server_.url("/v1/chat/completions?stream=true"), R"({"model":"m"})");
  request.headers.emplace_back("Authorization", "Bearer sk-test");
  const auto response = run(client.request(request));
  EXPECT_EQ(response.body, R"({"model":"m"})");
  const auto seen = server_.log().requests().at(0);
  EXPECT_EQ(seen.header("Content-Type"), "application/json");
  EXPECT_EQ(seen.header("Authorization"), "Bearer sk-test");
  EXPECT_EQ(seen.header("Content-Length"), "13");
  EXPECT_EQ(seen.query_param("stream"), "true");
}

TEST_F(HttpClientTest, PostFormEncodesFields) {
  server_.on_http("POST", "/Calls.json", echo_body);
  server_.start();
  auto client = make_client();
  const auto response = run(client.request(
      form_request(server_.url("/Calls.json"), {{"To", "+1555"}, {"Say", "hi there"}})));
  EXPECT_EQ(response.body, "To=%2B1555&Say=hi%20there");
  EXPECT_EQ(server_.log().requests().at(0).header("Content-Type"),
            "application/x-www-form-urlencoded");
}

TEST_F(HttpClientTest, ErrorStatusIsAResponseNotAnException) {
  server_.on_http("GET", "/busy", fakes::FakeResponse{503, {{"Retry-After", "3"}}, "overloaded"});
  server_.start();
  auto client = make_client();
  const auto response = run(client.request(get(server_.url("/busy"))));
  EXPECT_EQ(response.status, 503);
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.body, "overloaded");
  EXPECT_EQ(response.header("retry-after"), "3");
}

TEST_F(HttpClientTest, ChunkedResponseIsReassembled) {
  server_.on_http("GET", "/chunked", [](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.begin_chunked(200, fakes::FakeHeaders());
    co_await exchange.send_chunk("alpha ");
    co_await exchange.send_chunk("beta ");
    co_await exchange.send_chunk("gamma");
    co_await exchange.end_chunked();
  });
  server_.start();
  auto client = make_client();
  const auto response = run(client.request(get(server_.url("/chunked"))));
  EXPECT_EQ(response.body, "alpha beta gamma");
}

// The fake holds back the rest of the body until the client has seen the first piece, so
// the test can only finish if pieces are delivered as they arrive.
TEST_F(HttpClientTest, StreamDeliversChunksAsTheyArrive) {
  std::atomic<bool> first_seen{false};
  server_.on_http("GET", "/stream", [&](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.begin_chunked(200, fakes::sse_headers());
    co_await exchange.send_chunk("data: one\n\n");
    for (int i = 0; i < 1000 && !first_seen; ++i) co_await fakes::sleep_for(milliseconds(5));
    co_await exchange.send_chunk("data: two\n\n");
    co_await exchange.end_chunked();
  });
  server_.start();
  auto client = make_client();
  const auto pieces = run([&]() -> asio::awaitable<std::vector<std::string>> {
    auto stream = co_await client.stream(get(server_.url("/stream")));
    EXPECT_EQ(stream.status(), 200);
    EXPECT_EQ(stream.header("content-type"), "text/event-stream");
    std::vector<std::string> received;
    received.push_back((co_await stream.next_chunk()).value_or(""));
    first_seen = true;
    while (auto piece = co_await stream.next_chunk()) received.push_back(*piece);
    co_return received;
  }());
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0], "data: one\n\n");
  EXPECT_EQ(pieces[1], "data: two\n\n");
}

TEST_F(HttpClientTest, SseTokenStreamParsesAcrossChunks) {
  server_.on_http("POST", "/v1/chat/completions",
                  fakes::sse_stream({"data: {\"delta\":\"Hel\"}\n\n", "data: {\"delta\"",
                                     ":\"lo\"}\n\n", ": keepalive\n\ndata: [DONE]\n\n"},
                                    milliseconds(5)));
  server_.start();
  auto client = make_client();
  const auto events = run([&]() -> asio::awaitable<std::vector<SseEvent>> {
    auto stream =
        co_await client.stream(json_request("POST", server_.url("/v1/chat/completions"), "{}"));
    SseParser parser;
    std::vector<SseEvent> parsed;
    while (auto chunk = co_await stream.next_chunk()) {
      for (auto& event : parser.feed(*chunk)) parsed.push_back(std::move(event));
    }
    co_return parsed;
  }());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].data, R"({"delta":"Hel"})");
  EXPECT_EQ(events[1].data, R"({"delta":"lo"})");
  EXPECT_EQ(events[2].data, "[DONE]");
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(HttpClientTest, KeepAliveReusesOneConnection) {
  server_.start();
  auto client = make_client();
  run(client.request(get(server_.url("/hello"))));
  EXPECT_EQ(client.idle_connections(), 1u);
  run(client.request(get(server_.url("/hello"))));
  const auto requests = server_.log().requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].connection_id, requests[1].connection_id);
  EXPECT_EQ(server_.log().connections_accepted(), 1u);
}

TEST_F(HttpClientTest, IdleConnectionsExpire) {
  server_.start();
  core::ManualClock clock;
  auto client = make_client(options_with([&](HttpClientOptions& o) {
    o.pool_idle_expiry = std::chrono::seconds(30);
    o.clock = &clock;
  }));
  run(client.request(get(server_.url("/hello"))));
  clock.advance(std::chrono::seconds(10));
  run(client.request(get(server_.url("/hello"))));
  clock.advance(std::chrono::seconds(31));
  run(client.request(get(server_.url("/hello"))));
  const auto requests = server_.log().requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].connection_id, requests[1].connection_id);
  EXPECT_NE(requests[1].connection_id, requests[2].connection_id);
}

TEST_F(HttpClientTest, PoolKeepsAtMostTheCapPerOrigin) {
  server_.start();
  auto client = make_client(options_with([](HttpClientOptions& o) { o.max_idle_per_origin = 1; }));
  run([&]() -> asio::awaitable<void> {
    auto first = co_await client.stream(get(server_.url("/hello")));
    auto second = co_await client.stream(get(server_.url("/hello")));
    co_await first.read_all(1024);
    co_await second.read_all(1024);
  }());
  EXPECT_EQ(server_.log().connections_accepted(), 2u);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(HttpClientTest, WarmupOpensAPooledConnectionWithoutARequest) {
  server_.start();
  auto client = make_client();
  run(client.warmup(server_.url("/")));
  EXPECT_EQ(client.idle_connections(), 1u);
  EXPECT_TRUE(server_.log().requests().empty());
  run(client.request(get(server_.url("/hello"))));
  EXPECT_EQ(server_.log().connections_accepted(), 1u);
}

TEST_F(HttpClientTest, ServerClosingAPooledConnectionIsRetriedOnAFreshOne) {
  server_.on_http("GET", "/once", [](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.respond(200, "ok");
    exchange.disconnect();
  });
  server_.start();
  auto client = make_client();
  EXPECT_EQ(run(client.request(get(server_.url("/once")))).body, "ok");
  EXPECT_EQ(run(client.request(get(server_.url("/once")))).body, "ok");
  EXPECT_EQ(server_.log().connections_accepted(), 2u);
}

TEST_F(HttpClientTest, ConnectTimeoutIsReported) {
  fakes::SaturatedListener listener;
  auto client = make_client(
      options_with([](HttpClientOptions& o) { o.connect_timeout = milliseconds(200); }));
  const auto error = run_expecting_error(client.request(get(listener.url("http", "/"))));
  EXPECT_EQ(error.kind(), ClientErrorKind::connect_timeout);
  EXPECT_TRUE(contains(error.what(), "within 200 ms")) << error.what();
}

TEST_F(HttpClientTest, ConnectionRefusedIsReported) {
  std::string url;
  {
    FakeServer closed;
    closed.start();
    url = closed.url("/");
  }
  auto client = make_client();
  const auto error = run_expecting_error(client.request(get(url)));
  EXPECT_EQ(error.kind(), ClientErrorKind::connect_failed);
}

TEST_F(HttpClientTest, ReadTimeoutWhenTheServerStalls) {
  server_.on_http("GET", "/stall", [](FakeHttpExchange& exchange) { return exchange.stall(); });
  server_.start();
  auto client = make_client(
      options_with([](HttpClientOptions& o) { o.idle_read_timeout = milliseconds(200); }));
  auto request = get(server_.url("/stall?api_key=secret-value"));
  request.headers.emplace_back("Authorization", "Bearer secret-token");
  const auto error = run_expecting_error(client.request(request));
  EXPECT_EQ(error.kind(), ClientErrorKind::read_timeout);
  EXPECT_TRUE(contains(error.what(), "GET http://127.0.0.1")) << error.what();
  EXPECT_FALSE(contains(error.what(), "secret")) << error.what();
}

TEST_F(HttpClientTest, ReadTimeoutMidStream) {
  server_.on_http("GET", "/half", [](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.begin_chunked(200, fakes::FakeHeaders());
    co_await exchange.send_chunk("first");
    co_await exchange.stall();
  });
  server_.start();
  auto client = make_client(
      options_with([](HttpClientOptions& o) { o.idle_read_timeout = milliseconds(200); }));
  const auto error = run_expecting_error([&]() -> asio::awaitable<void> {
    auto stream = co_await client.stream(get(server_.url("/half")));
    EXPECT_EQ(co_await stream.next_chunk(), "first");
    co_await stream.next_chunk();
  }());
  EXPECT_EQ(error.kind(), ClientErrorKind::read_timeout);
}

TEST_F(HttpClientTest, TotalTimeoutBoundsAStreamThatNeverEnds) {
  server_.on_http("GET", "/endless", [](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.begin_chunked(200, fakes::FakeHeaders());
    for (int i = 0; i < 1000; ++i) {
      co_await exchange.send_chunk("tick");
      co_await fakes::sleep_for(milliseconds(20));
    }
  });
  server_.start();
  auto client = make_client(
      options_with([](HttpClientOptions& o) { o.idle_read_timeout = std::chrono::seconds(5); }));
  const auto error =
      run_expecting_error(client.request(get(server_.url("/endless"), milliseconds(300))));
  EXPECT_EQ(error.kind(), ClientErrorKind::total_timeout);
}

TEST_F(HttpClientTest, AbruptDisconnectMidBodyIsAClearError) {
  server_.on_http("GET", "/cut", [](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.write_raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
    exchange.disconnect();
  });
  server_.on_http("GET", "/cut-chunked", [](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.begin_chunked(200, fakes::FakeHeaders());
    co_await exchange.send_chunk("data: partial");
    exchange.disconnect();
  });
  server_.start();
  auto client = make_client();
  for (const auto* path : {"/cut", "/cut-chunked"}) {
    const auto error = run_expecting_error(client.request(get(server_.url(path))));
    EXPECT_EQ(error.kind(), ClientErrorKind::connection_closed) << path << ": " << error.what();
  }
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST_F(HttpClientTest, MalformedResponseIsAProtocolError) {
  server_.on_http("GET", "/garbage", [](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.write_raw("NOT-HTTP garbage\r\n\r\n");
    exchange.disconnect();
  });
  server_.start();
  auto client = make_client();
  const auto error = run_expecting_error(client.request(get(server_.url("/garbage"))));
  EXPECT_EQ(error.kind(), ClientErrorKind::protocol_error);
}

TEST_F(HttpClientTest, BodyLargerThanTheLimitIsRejected) {
  server_.on_http("GET", "/big", fakes::FakeResponse{200, {}, std::string(5000, 'x')});
  server_.start();
  auto client = make_client(options_with([](HttpClientOptions& o) { o.max_body_bytes = 1000; }));
  const auto error = run_expecting_error(client.request(get(server_.url("/big"))));
  EXPECT_EQ(error.kind(), ClientErrorKind::body_too_large);
}

TEST_F(HttpClientTest, CancelledStreamStopsDeliveringAtOnce) {
  server_.on_http("GET", "/tokens", [](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.begin_chunked(200, fakes::FakeHeaders());
    for (int i = 0; i < 1000; ++i) {
      co_await exchange.send_chunk("token ");
      co_await fakes::sleep_for(milliseconds(2));
    }
    co_await exchange.end_chunked();
  });
  server_.start();
  auto client = make_client();
  run([&]() -> asio::awaitable<void> {
    auto stream = co_await client.stream(get(server_.url("/tokens")));
    EXPECT_TRUE((co_await stream.next_chunk()).has_value());
    stream.cancel();
    EXPECT_TRUE(stream.cancelled());
    EXPECT_EQ(co_await stream.next_chunk(), std::nullopt);
    EXPECT_EQ(co_await stream.next_chunk(), std::nullopt);
  }());
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST_F(HttpClientTest, CancelWakesAPendingRead) {
  server_.on_http("GET", "/quiet", [](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.begin_chunked(200, fakes::FakeHeaders());
    co_await exchange.send_chunk("hello");
    co_await exchange.stall();
  });
  server_.start();
  auto client = make_client();
  run([&]() -> asio::awaitable<void> {
    auto stream = co_await client.stream(get(server_.url("/quiet")));
    EXPECT_EQ(co_await stream.next_chunk(), "hello");
    asio::post(io_, [&stream] { stream.cancel(); });
    EXPECT_EQ(co_await stream.next_chunk(), std::nullopt);
  }());
}

TEST_F(HttpClientTest, InvalidUrlsAreRejected) {
  auto client = make_client();
  EXPECT_EQ(run_expecting_error(client.request(get("not a url"))).kind(),
            ClientErrorKind::invalid_request);
  EXPECT_EQ(run_expecting_error(client.request(get("ws://127.0.0.1:1/"))).kind(),
            ClientErrorKind::invalid_request);
}

}  // namespace
}  // namespace patter::net
