#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <functional>
#include <string>
#include <vector>

#include "api_test_fixture.hpp"
#include "net/sse_parser.hpp"

namespace patter::dashboard::testing {
namespace {

namespace asio = boost::asio;

// Reads an event stream with SseParser, keeping the raw bytes for comment checks.
struct SseReader {
  net::HttpResponseStream stream;
  net::SseParser parser;
  std::vector<net::SseEvent> events;
  std::string raw;

  // Reads until `done` holds; false if the stream ends first.
  asio::awaitable<bool> read_until(const std::function<bool(const SseReader&)>& done) {
    while (!done(*this)) {
      auto chunk = co_await stream.next_chunk();
      if (!chunk) co_return false;
      raw += *chunk;
      parser.feed(*chunk, [this](const net::SseEvent& event) { events.push_back(event); });
    }
    co_return true;
  }
};

class DashboardEventsTest : public DashboardApiTest {
 protected:
  asio::awaitable<SseReader> subscribe() {
    net::HttpClientRequest request;
    request.url = url("/api/dashboard/events");
    request.total_timeout = std::chrono::seconds(60);
    auto stream = co_await client_.stream(std::move(request));
    co_return SseReader{std::move(stream), net::SseParser{}, {}, {}};
  }
};

TEST_F(DashboardEventsTest, StreamsACallsEventsInCommitOrder) {
  start();
  const auto types = run([this]() -> asio::awaitable<std::vector<std::string>> {
    auto reader = co_await subscribe();
    EXPECT_EQ(reader.stream.status(), 200);
    EXPECT_NE(reader.stream.header("Content-Type").value_or("").find("text/event-stream"), std::string::npos);

    store_->record_call_initiated(inbound_call("e1", kT0));
    store_->record_call_start(inbound_call("e1", kT0 + 1'000));
    store_->record_turn("e1", make_turn(0, "hi", "hello", 450.0, kT0 + 2'000));
    store_->record_call_end(call_end("e1", kT0 + 5'000, make_metrics("e1", 4.0, 0.01, 450.0)));
    EXPECT_TRUE(co_await reader.read_until(
        [](const SseReader& r) { return !r.events.empty() && r.events.back().type == "call_end"; }));

    std::vector<std::string> seen;
    for (const auto& event : reader.events) {
      seen.push_back(event.type);
      EXPECT_EQ(boost::json::parse(event.data).at("call_id").as_string(), "e1") << event.type;
    }
    co_return seen;
  }());
  EXPECT_EQ(types, (std::vector<std::string>{"call_initiated", "call_start", "turn_complete", "call_end"}));
}

TEST_F(DashboardEventsTest, SoftDeleteIsAnnouncedAsCallsDeleted) {
  start();
  seed_calls();
  const auto payload = run([this]() -> asio::awaitable<std::string> {
    auto reader = co_await subscribe();
    const auto deleted = co_await client_.request(
        net::json_request("POST", url("/api/dashboard/calls/delete"), R"({"call_ids":["c2"]})"));
    EXPECT_EQ(deleted.status, 200);
    EXPECT_TRUE(co_await reader.read_until([](const SseReader& r) { return !r.events.empty(); }));
    EXPECT_EQ(reader.events.front().type, "calls_deleted");
    co_return reader.events.front().data;
  }());
  EXPECT_EQ(boost::json::parse(payload).at("call_ids").as_array(), boost::json::array{"c2"});
}

TEST_F(DashboardEventsTest, SendsKeepaliveCommentsWhileIdle) {
  DashboardApiOptions options;
  options.keepalive_interval = std::chrono::milliseconds(20);
  start(std::move(options));
  const auto raw = run([this]() -> asio::awaitable<std::string> {
    auto reader = co_await subscribe();
    EXPECT_TRUE(co_await reader.read_until(
        [](const SseReader& r) { return r.raw.find(": keepalive\n\n") != std::string::npos; }));
    EXPECT_TRUE(reader.events.empty());
    co_return reader.raw;
  }());
  EXPECT_EQ(raw.rfind(": keepalive\n\n", 0), 0U);
}

TEST_F(DashboardEventsTest, UnsubscribesWhenTheClientGoesAway) {
  DashboardApiOptions options;
  options.keepalive_interval = std::chrono::milliseconds(20);
  start(std::move(options));
  run([this]() -> asio::awaitable<void> {
    {
      auto reader = co_await subscribe();
      EXPECT_TRUE(co_await eventually([this] { return events_.subscriber_count() == 1; }));
    }
    EXPECT_TRUE(co_await eventually([this] { return events_.subscriber_count() == 0; }));
  }());
}

// A client that sends its request and then never reads, with a tiny receive window.
class StalledClient {
 public:
  explicit StalledClient(std::uint16_t port) : socket_(io_) {
    socket_.open(asio::ip::tcp::v4());
    socket_.set_option(asio::socket_base::receive_buffer_size(4096));
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(socket_, asio::buffer(std::string(
                             "GET /api/dashboard/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")));
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
};

StoreEvent padded_event(int sequence) {
  return {"call_status", R"({"call_id":"load","seq":)" + std::to_string(sequence) + R"(,"pad":")" +
                             std::string(48 * 1024, 'x') + "\"}"};
}

TEST_F(DashboardEventsTest, DropsASubscriberWhoseQueueOverflowsAndKeepsServingTheOthers) {
  DashboardApiOptions options;
  options.subscriber_queue_capacity = 16;
  net::ServerOptions server_options;
  server_options.write_timeout = std::chrono::seconds(60);  // the queue, not the write timeout, must drop it
  start(std::move(options), std::move(server_options));

  const auto received = run([this]() -> asio::awaitable<std::size_t> {
    auto reader = co_await subscribe();
    const StalledClient stalled(server_->port());
    EXPECT_TRUE(co_await eventually([this] { return events_.subscriber_count() == 2; }));

    // Batches smaller than the queue, each read fully by the live client before the next, so
    // only the stalled subscriber can fall behind; its socket buffers fill, then its queue.
    constexpr int kBatch = 8;
    constexpr int kMaxEvents = 4000;
    int published = 0;
    while (events_.overflow_drops() == 0 && published < kMaxEvents) {
      for (int i = 0; i < kBatch; ++i) events_.publish(padded_event(published++));
      const auto expected = static_cast<std::size_t>(published);
      EXPECT_TRUE(co_await reader.read_until([expected](const SseReader& r) { return r.events.size() >= expected; }));
    }
    EXPECT_EQ(events_.overflow_drops(), 1U);
    EXPECT_EQ(events_.subscriber_count(), 1U);

    events_.publish({"call_end", R"({"call_id":"after-drop"})"});
    EXPECT_TRUE(co_await reader.read_until(
        [](const SseReader& r) { return !r.events.empty() && r.events.back().type == "call_end"; }));
    co_return reader.events.size();
  }(), std::chrono::seconds(60));
  EXPECT_GT(received, 16U);
}

TEST(DashboardEventsHub, FramesEventsAsServerSentEvents) {
  EXPECT_EQ(sse_frame({"call_start", R"({"call_id":"a"})"}), "event: call_start\ndata: {\"call_id\":\"a\"}\n\n");
  EXPECT_EQ(sse_frame({"call_status", "{\n}"}), "event: call_status\ndata: {\ndata: }\n\n");
}

TEST(DashboardEventsHub, AFullQueueDropsOnlyThatSubscriber) {
  asio::io_context io;
  DashboardEvents events;
  auto slow = events.subscribe(io.get_executor(), 2);
  auto fast = events.subscribe(io.get_executor(), 2);
  for (int i = 0; i < 2; ++i) {
    events.publish({"call_status", "{}"});
    EXPECT_EQ(fast->take().frames.size(), 1U);
  }
  events.publish({"call_status", "{}"});

  EXPECT_TRUE(slow->take().dropped);
  const auto batch = fast->take();
  EXPECT_FALSE(batch.dropped);
  EXPECT_EQ(batch.frames.size(), 1U);
  EXPECT_EQ(events.overflow_drops(), 1U);
  EXPECT_EQ(events.subscriber_count(), 1U);
}

TEST(DashboardEventsHub, CloseEndsEveryStreamAndRefusesNewOnes) {
  asio::io_context io;
  DashboardEvents events;
  auto before = events.subscribe(io.get_executor(), 4);
  events.close();
  EXPECT_TRUE(before->take().dropped);
  EXPECT_TRUE(events.subscribe(io.get_executor(), 4)->take().dropped);
  EXPECT_EQ(events.subscriber_count(), 0U);
}

}  // namespace
}  // namespace patter::dashboard::testing
