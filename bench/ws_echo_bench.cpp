// WebSocket echo over loopback through HttpServer + WebSocket: round-trip latency for a small
// text message, and throughput for carrier-sized binary frames and 1 KiB text frames.

#include <benchmark/benchmark.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <memory>
#include <string>

#include "net/http_server.hpp"
#include "net/io_pool.hpp"
#include "net/router.hpp"
#include "net/websocket.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using patter::net::HttpRequest;
using patter::net::WebSocket;

constexpr int kBatch = 64;  // messages in flight per throughput round

asio::awaitable<void> echo(HttpRequest&, std::shared_ptr<WebSocket> socket) {
  while (true) {
    auto message = co_await socket->receive();
    if (!message) break;
    if (message->binary) {
      socket->send_binary(std::move(message->data));
    } else {
      socket->send_text(std::move(message->data));
    }
  }
}

// One server for the whole run, on its own event loop thread.
class EchoServer {
 public:
  EchoServer() : pool_(1) {
    router_.add_websocket("/echo", echo);
    pool_.start();
    server_ = std::make_unique<patter::net::HttpServer>(pool_, router_);
    server_->start();
  }
  ~EchoServer() {
    server_->stop(std::chrono::seconds(1));
    pool_.stop();
    pool_.join();
  }
  [[nodiscard]] std::uint16_t port() const { return server_->port(); }

 private:
  patter::net::IoPool pool_;
  patter::net::Router router_;
  std::unique_ptr<patter::net::HttpServer> server_;
};

EchoServer& echo_server() {
  static EchoServer server;
  return server;
}

// A blocking Beast client; the benchmark thread is its only user.
class EchoClient {
 public:
  explicit EchoClient(std::uint16_t port) : ws_(context_) {
    beast::get_lowest_layer(ws_).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    beast::get_lowest_layer(ws_).set_option(asio::ip::tcp::no_delay(true));
    ws_.handshake("127.0.0.1", "/echo");
  }
  ~EchoClient() {
    boost::system::error_code ignored;
    ws_.close(websocket::close_code::normal, ignored);
  }

  void send(const std::string& payload, bool binary) {
    ws_.binary(binary);
    ws_.write(asio::buffer(payload));
  }
  std::size_t receive() {
    buffer_.clear();
    return ws_.read(buffer_);
  }

 private:
  asio::io_context context_;
  websocket::stream<asio::ip::tcp::socket> ws_;
  beast::flat_buffer buffer_;
};

void BM_WsEchoRoundTrip(benchmark::State& state) {
  EchoClient client(echo_server().port());
  const std::string message = R"({"event":"mark","name":"m1"})";
  for (auto _ : state) {
    client.send(message, false);
    benchmark::DoNotOptimize(client.receive());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WsEchoRoundTrip)->UseRealTime();

void echo_throughput(benchmark::State& state, std::size_t message_bytes, bool binary) {
  EchoClient client(echo_server().port());
  const std::string message(message_bytes, 'a');
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) client.send(message, binary);
    for (int i = 0; i < kBatch; ++i) benchmark::DoNotOptimize(client.receive());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetBytesProcessed(state.iterations() * kBatch * static_cast<std::int64_t>(message_bytes));
}

void BM_WsEchoThroughputBinary160(benchmark::State& state) { echo_throughput(state, 160, true); }
BENCHMARK(BM_WsEchoThroughputBinary160)->UseRealTime();

void BM_WsEchoThroughputText1KiB(benchmark::State& state) { echo_throughput(state, 1024, false); }
BENCHMARK(BM_WsEchoThroughputText1KiB)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
