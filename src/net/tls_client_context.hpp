#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

struct ssl_st;

namespace patter::net {

struct TlsClientOptions {
  bool trust_system_store = true;
  // PEM certificates trusted in addition to the system store (a test CA, a private CA).
  std::string extra_ca_pem;
};

// TLS settings shared by every outgoing connection: TLS 1.2+, peers always verified against
// the trusted CAs. Create one per process (it is thread-safe once built) and share it.
class TlsClientContext {
 public:
  explicit TlsClientContext(TlsClientOptions options = {});
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  [[nodiscard]] boost::asio::ssl::context& native() { return *context_; }

 private:
  std::unique_ptr<boost::asio::ssl::context> context_;
};

// Prepares one connection before its handshake: SNI (omitted for IP literals, as RFC 6066
// requires) and verification that the certificate names `host` (DNS name or IP address).
void prepare_tls_connection(ssl_st* connection, const std::string& host);

// The certificate-verification failure behind a failed handshake, e.g. "hostname mismatch",
// or an empty string when verification passed or never ran.
std::string tls_verification_failure(const ssl_st* connection);

}  // namespace patter::net
