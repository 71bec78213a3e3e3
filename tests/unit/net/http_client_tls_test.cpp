#include "client_test_support.hpp"
#include "fakes/fake_server.hpp"
#include "net/http_client.hpp"
#include "net/tls_client_context.hpp"

namespace patter::net {
namespace {

using fakes::FakeServer;
using testing::contains;

fakes::FakeServerOptions tls_server(std::vector<std::string> hosts = {"127.0.0.1", "localhost"}) {
  fakes::FakeServerOptions options;
  options.tls = true;
  options.certificate_hosts = std::move(hosts);
  return options;
}

HttpClientOptions trusting(const FakeServer& server) {
  TlsClientOptions tls;
  tls.extra_ca_pem = server.certificate_pem();
  HttpClientOptions options;
  options.tls = std::make_shared<TlsClientContext>(tls);
  return options;
}

HttpClientRequest get(std::string url) {
  HttpClientRequest request;
  request.url = std::move(url);
  return request;
}

class HttpClientTlsTest : public testing::ClientLoopTest {};

TEST_F(HttpClientTlsTest, HttpsWithTrustedCertificateAndConnectionReuse) {
  FakeServer server(tls_server());
  server.on_http("GET", "/secure", fakes::FakeResponse{200, {}, "encrypted hello"});
  server.start();
  HttpClient client(io_.get_executor(), trusting(server));
  EXPECT_EQ(run(client.request(get(server.url("/secure")))).body, "encrypted hello");
  EXPECT_EQ(run(client.request(get(server.url("/secure")))).body, "encrypted hello");
  EXPECT_EQ(server.log().connections_accepted(), 1u);
  // IP literals must not be sent as SNI (RFC 6066).
  EXPECT_EQ(server.log().tls_server_names(), std::vector<std::string>{""});
}

TEST_F(HttpClientTlsTest, SniCarriesTheHostName) {
  FakeServer server(tls_server());
  server.on_http("GET", "/sni", fakes::FakeResponse{200, {}, "ok"});
  server.start();
  HttpClient client(io_.get_executor(), trusting(server));
  EXPECT_EQ(run(client.request(get(server.url("/sni", "localhost")))).status, 200);
  EXPECT_EQ(server.log().tls_server_names(), std::vector<std::string>{"localhost"});
  EXPECT_EQ(server.log().requests().at(0).header("Host"),
            "localhost:" + std::to_string(server.port()));
}

TEST_F(HttpClientTlsTest, UntrustedCertificateFailsVerification) {
  FakeServer server(tls_server());
  server.start();
  HttpClient client(io_.get_executor());
  const auto error = run_expecting_error(client.request(get(server.url("/"))));
  EXPECT_EQ(error.kind(), ClientErrorKind::tls_failed);
  EXPECT_TRUE(contains(error.what(), "certificate verify failed")) << error.what();
  EXPECT_TRUE(server.log().requests().empty());
}

TEST_F(HttpClientTlsTest, HostNameMismatchIsRejected) {
  FakeServer server(tls_server({"other.test"}));
  server.start();
  HttpClient client(io_.get_executor(), trusting(server));
  const auto by_name = run_expecting_error(client.request(get(server.url("/", "localhost"))));
  EXPECT_EQ(by_name.kind(), ClientErrorKind::tls_failed);
  EXPECT_TRUE(contains(by_name.what(), "hostname mismatch")) << by_name.what();
  const auto by_address = run_expecting_error(client.request(get(server.url("/"))));
  EXPECT_EQ(by_address.kind(), ClientErrorKind::tls_failed);
  EXPECT_TRUE(contains(by_address.what(), "IP address mismatch")) << by_address.what();
  EXPECT_TRUE(server.log().requests().empty());
}

TEST_F(HttpClientTlsTest, WarmupCompletesTheTlsHandshake) {
  FakeServer server(tls_server());
  server.on_http("GET", "/after-warmup", fakes::FakeResponse{200, {}, "ok"});
  server.start();
  HttpClient client(io_.get_executor(), trusting(server));
  run(client.warmup(server.url("/")));
  EXPECT_EQ(client.idle_connections(), 1u);
  EXPECT_EQ(run(client.request(get(server.url("/after-warmup")))).body, "ok");
  EXPECT_EQ(server.log().connections_accepted(), 1u);
  EXPECT_EQ(server.log().tls_server_names().size(), 1u);
}

}  // namespace
}  // namespace patter::net
