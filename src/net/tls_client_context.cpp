#include "net/tls_client_context.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

namespace patter::net {

TlsClientContext::TlsClientContext(TlsClientOptions options)
    : context_(std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client)) {
  namespace ssl = boost::asio::ssl;
  context_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  context_->set_verify_mode(ssl::verify_peer);
  if (options.trust_system_store) context_->set_default_verify_paths();
  if (!options.extra_ca_pem.empty()) {
    context_->add_certificate_authority(boost::asio::buffer(options.extra_ca_pem));
  }
}

TlsClientContext::~TlsClientContext() = default;

void prepare_tls_connection(ssl_st* connection, const std::string& host) {
  boost::system::error_code not_an_address;
  boost::asio::ip::make_address(host, not_an_address);
  const bool is_ip_literal = !not_an_address;
  X509_VERIFY_PARAM* params = SSL_get0_param(connection);
  X509_VERIFY_PARAM_set_hostflags(params, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  bool configured = false;
  if (is_ip_literal) {
    configured = X509_VERIFY_PARAM_set1_ip_asc(params, host.c_str()) == 1;
  } else {
    configured = SSL_set_tlsext_host_name(connection, host.c_str()) == 1 &&
                 SSL_set1_host(connection, host.c_str()) == 1;
  }
  if (!configured)
    throw std::runtime_error("cannot configure TLS verification for host '" + host + "'");
}

std::string tls_verification_failure(const ssl_st* connection) {
  const long result = SSL_get_verify_result(connection);
  if (result == X509_V_OK) return {};
  return X509_verify_cert_error_string(result);
}

}  // namespace patter::net
