#include "net/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <optional>

#include "core/error.hpp"
#include "net/http_connection.hpp"
#include "net/server_state.hpp"

namespace patter::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// Pause after an accept failure such as running out of file descriptors.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
// Bounds for steps of stop() that only wait on the loops, not on clients.
constexpr std::chrono::seconds kAcceptorCloseTimeout{5};
constexpr std::chrono::seconds kForceCloseTimeout{2};

// The host may be an IP address or a name such as "localhost"; resolving happens once, at start.
tcp::endpoint listen_endpoint(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (!ec) return {address, port};
  asio::io_context io;
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    throw core::Error(core::Errc::config_invalid,
                      "cannot resolve the listen address '" + host + "': " + ec.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

class HttpServer::Impl : public std::enable_shared_from_this<HttpServer::Impl> {
 public:
  Impl(IoPool& pool, Router& router, asio::ssl::context* tls, ServerOptions options)
      : pool_(pool), tls_(tls), state_(std::make_shared<detail::ServerState>(router, std::move(options))) {}

  void start() {
    if (acceptor_) return;
    auto executor = pool_.next_executor();
    const auto endpoint = listen_endpoint(state_->options.host, state_->options.port);
    acceptor_.emplace(executor);
    try {
      acceptor_->open(endpoint.protocol());
      acceptor_->set_option(tcp::acceptor::reuse_address(true));
      acceptor_->bind(endpoint);
      acceptor_->listen();
    } catch (const boost::system::system_error& e) {
      acceptor_.reset();
      throw core::Error(core::Errc::unavailable,
                        "cannot listen on " + state_->options.host + ":" +
                            std::to_string(state_->options.port) + ": " + e.code().message());
    }
    port_ = acceptor_->local_endpoint().port();
    asio::co_spawn(executor, accept_loop(shared_from_this()), [self = shared_from_this()](std::exception_ptr error) {
      self->report_unexpected("accept loop", error);
      self->accept_done_.set_value();
    });
  }

  void stop(std::chrono::milliseconds drain_timeout) {
    if (stopped_ || !acceptor_) return;
    stopped_ = true;
    state_->stopping = true;
    asio::post(acceptor_->get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor_->close(ignored);
    });
    accept_done_.get_future().wait_for(kAcceptorCloseTimeout);

    for_each_connection(detail::begin_connection_shutdown);
    if (state_->wait_for_no_connections(std::chrono::steady_clock::now() + drain_timeout)) return;
    for_each_connection(detail::force_close_connection);
    state_->wait_for_no_connections(std::chrono::steady_clock::now() + kForceCloseTimeout);
  }

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] const detail::ServerState& state() const { return *state_; }

 private:
  static asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    while (self->acceptor_->is_open()) {
      auto executor = self->pool_.next_executor();
      auto [ec, socket] = co_await self->acceptor_->async_accept(executor, kNoThrow);
      if (ec) {
        if (ec == asio::error::operation_aborted || !self->acceptor_->is_open()) break;
        self->state_->log("accept failed: " + ec.message());
        asio::steady_timer pause(self->acceptor_->get_executor(), kAcceptRetryDelay);
        co_await pause.async_wait(kNoThrow);
        continue;
      }
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      self->spawn_connection(std::move(socket));
    }
  }

  void spawn_connection(tcp::socket socket) {
    auto executor = socket.get_executor();
    auto on_exit = [state = state_](std::exception_ptr error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        state->log(std::string("connection failed: ") + e.what());
      }
    };
    if (tls_) {
      asio::co_spawn(executor, detail::serve_tls_connection(state_, std::move(socket), *tls_), on_exit);
    } else {
      asio::co_spawn(executor, detail::serve_connection(state_, std::move(socket)), on_exit);
    }
  }

  void for_each_connection(void (*action)(detail::ConnectionControl&)) {
    for (auto& connection : state_->connections()) {
      asio::post(connection->executor, [connection, action] { action(*connection); });
    }
  }

  void report_unexpected(const char* where, std::exception_ptr error) const {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      state_->log(std::string(where) + " failed: " + e.what());
    }
  }

  IoPool& pool_;
  asio::ssl::context* tls_;
  std::shared_ptr<detail::ServerState> state_;
  std::optional<tcp::acceptor> acceptor_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
  std::promise<void> accept_done_;
};

HttpServer::HttpServer(IoPool& pool, Router& router, ServerOptions options)
    : impl_(std::make_shared<Impl>(pool, router, nullptr, std::move(options))) {}

HttpServer::HttpServer(IoPool& pool, Router& router, asio::ssl::context& tls, ServerOptions options)
    : impl_(std::make_shared<Impl>(pool, router, &tls, std::move(options))) {}

HttpServer::~HttpServer() { impl_->stop(std::chrono::milliseconds(0)); }

void HttpServer::start() { impl_->start(); }
std::uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::stop(std::chrono::milliseconds drain_timeout) { impl_->stop(drain_timeout); }
std::size_t HttpServer::open_connections() const { return impl_->state().connection_count(); }
std::size_t HttpServer::open_websockets() const { return impl_->state().websocket_count(); }

}  // namespace patter::net
