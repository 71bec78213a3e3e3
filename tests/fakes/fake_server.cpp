#include "fakes/fake_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "fakes/fake_server_core.hpp"
#include "fakes/self_signed_certificate.hpp"

namespace patter::fakes {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace detail {

const FakeHttpHandler* FakeServerCore::find_http(std::string_view method,
                                                 std::string_view path) const {
  for (const auto& route : http_routes) {
    if ((route.method == "*" || route.method == method) && route.path == path)
      return &route.handler;
  }
  return nullptr;
}

const FakeWebSocketHandler* FakeServerCore::find_websocket(std::string_view path) const {
  for (const auto& route : websocket_routes) {
    if (route.path == path) return &route.handler;
  }
  return nullptr;
}

namespace {

asio::awaitable<void> accept_connections(FakeServerCore& core, tcp::acceptor& acceptor) {
  auto executor = co_await asio::this_coro::executor;
  while (acceptor.is_open()) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors under load: back off briefly instead of spinning.
      co_await sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    core.log.record_connection();
    socket.set_option(tcp::no_delay(true), ec);
    const auto id = core.next_connection_id.fetch_add(1);
    asio::co_spawn(executor, serve_connection(core, std::move(socket), id), asio::detached);
  }
}

}  // namespace
}  // namespace detail

struct FakeServer::Runtime {
  asio::io_context io{1};
  std::optional<tcp::acceptor> acceptor;
};

FakeServer::FakeServer(FakeServerOptions options)
    : options_(std::move(options)), core_(std::make_unique<detail::FakeServerCore>()) {
  if (options_.tls) {
    const auto certificate = SelfSignedCertificate::generate(options_.certificate_hosts);
    core_->certificate_pem = certificate.certificate_pem;
    core_->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    core_->tls->use_certificate_chain(asio::buffer(certificate.certificate_pem));
    core_->tls->use_private_key(asio::buffer(certificate.private_key_pem), asio::ssl::context::pem);
  }
}

FakeServer::~FakeServer() {
  stop();
}

void FakeServer::on_http(std::string method, std::string path, FakeHttpHandler handler) {
  core_->http_routes.push_back({std::move(method), std::move(path), std::move(handler)});
}

void FakeServer::on_http(std::string method, std::string path, FakeResponse canned_response) {
  on_http(
      std::move(method), std::move(path),
      [canned = std::move(canned_response)](FakeHttpExchange& exchange) -> asio::awaitable<void> {
        co_await exchange.respond(canned);
      });
}

void FakeServer::on_websocket(std::string path, FakeWebSocketHandler handler) {
  core_->websocket_routes.push_back({std::move(path), std::move(handler)});
}

void FakeServer::start() {
  if (runtime_) return;
  runtime_ = std::make_unique<Runtime>();
  auto& acceptor = runtime_->acceptor.emplace(runtime_->io);
  const tcp::endpoint loopback(asio::ip::make_address_v4("127.0.0.1"), 0);
  acceptor.open(loopback.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(loopback);
  acceptor.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor.local_endpoint().port();
  asio::co_spawn(runtime_->io, detail::accept_connections(*core_, acceptor), asio::detached);
  thread_ = std::thread([io = &runtime_->io] { io->run(); });
}

void FakeServer::stop() {
  if (!runtime_) return;
  runtime_->io.stop();
  if (thread_.joinable()) thread_.join();
  // Destroying the io_context destroys the abandoned connection coroutines with it.
  runtime_->acceptor.reset();
  runtime_.reset();
}

std::string FakeServer::url(std::string_view path_and_query, std::string_view host) const {
  return std::string(options_.tls ? "https://" : "http://") + std::string(host) + ":" +
         std::to_string(port_) + std::string(path_and_query);
}

std::string FakeServer::ws_url(std::string_view path_and_query, std::string_view host) const {
  return std::string(options_.tls ? "wss://" : "ws://") + std::string(host) + ":" +
         std::to_string(port_) + std::string(path_and_query);
}

const std::string& FakeServer::certificate_pem() const {
  return core_->certificate_pem;
}

const FakeServerLog& FakeServer::log() const {
  return core_->log;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::use_awaitable);
}

FakeHttpHandler sse_stream(std::vector<std::string> events, std::chrono::milliseconds gap) {
  return [events = std::move(events), gap](FakeHttpExchange& exchange) -> asio::awaitable<void> {
    co_await exchange.begin_chunked(200, sse_headers());
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (i > 0) co_await sleep_for(gap);
      co_await exchange.send_chunk(events[i]);
    }
    co_await exchange.end_chunked();
  };
}

}  // namespace patter::fakes
