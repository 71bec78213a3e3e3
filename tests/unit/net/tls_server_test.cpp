#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "server_fixture.hpp"
#include "test_cert.hpp"

namespace patter::net::testing {
namespace {

using TlsStream = asio::ssl::stream<beast::tcp_stream>;

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.get("/health", [](HttpRequest&) -> asio::awaitable<HttpResponse> { co_return HttpResponse::text("ok"); });
    router_.add_websocket("/ws/echo", [](HttpRequest&, std::shared_ptr<WebSocket> socket) -> asio::awaitable<void> {
      while (auto message = co_await socket->receive()) socket->send_text(std::move(message->data));
    });
    pool_.start();
    server_ = std::make_unique<HttpServer>(pool_, router_, server_tls_);
    server_->start();
  }

  void TearDown() override {
    server_->stop(std::chrono::seconds(1));
    pool_.stop();
    pool_.join();
  }

  asio::awaitable<TlsStream> connect_tls() {
    TlsStream stream(co_await connect_to(server_->port()), client_tls_);
    SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
    stream.set_verify_callback(asio::ssl::host_name_verification("localhost"));
    co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    co_return stream;
  }

  fakes::SelfSignedCertificate cert_ = make_self_signed_cert();
  asio::ssl::context server_tls_ = make_server_tls_context(cert_);
  asio::ssl::context client_tls_ = make_client_tls_context(cert_);
  IoPool pool_{2};
  Router router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(TlsServerTest, ServesHttpsWithKeepAlive) {
  auto bodies = run_client([&](asio::io_context&) -> asio::awaitable<std::string> {
    auto stream = co_await connect_tls();
    std::string seen;
    for (int i = 0; i < 2; ++i) {
      co_await http::async_write(stream, make_request(http::verb::get, "/health"), asio::use_awaitable);
      beast::flat_buffer buffer;
      Response response;
      co_await http::async_read(stream, buffer, response, asio::use_awaitable);
      seen += std::to_string(response.result_int()) + ":" + response.body() + ";";
    }
    co_return seen;
  });
  EXPECT_EQ(bodies, "200:ok;200:ok;");
}

TEST_F(TlsServerTest, EchoesOverSecureWebSocket) {
  auto reply = run_client([&](asio::io_context&) -> asio::awaitable<std::string> {
    websocket::stream<TlsStream> ws(co_await connect_tls());
    co_await ws.async_handshake("localhost", "/ws/echo", asio::use_awaitable);
    co_await ws.async_write(asio::buffer(std::string("secure hello")), asio::use_awaitable);
    beast::flat_buffer buffer;
    co_await ws.async_read(buffer, asio::use_awaitable);
    co_await ws.async_close(websocket::close_code::normal, asio::use_awaitable);
    co_return beast::buffers_to_string(buffer.data());
  });
  EXPECT_EQ(reply, "secure hello");
}

TEST_F(TlsServerTest, ClientThatDistrustsTheCertificateFailsHandshake) {
  asio::ssl::context untrusting(asio::ssl::context::tls_client);
  untrusting.set_verify_mode(asio::ssl::verify_peer);
  auto failed = run_client([&](asio::io_context&) -> asio::awaitable<bool> {
    TlsStream stream(co_await connect_to(server_->port()), untrusting);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
    co_return static_cast<bool>(ec);
  });
  EXPECT_TRUE(failed);
  auto ok = run_client([&](asio::io_context&) -> asio::awaitable<bool> {
    auto stream = co_await connect_tls();
    co_return true;
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace patter::net::testing
