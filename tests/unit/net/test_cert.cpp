#include "test_cert.hpp"

namespace patter::net::testing {

fakes::SelfSignedCertificate make_self_signed_cert() {
  return fakes::SelfSignedCertificate::generate({"localhost", "127.0.0.1"});
}

boost::asio::ssl::context make_server_tls_context(const fakes::SelfSignedCertificate& cert) {
  boost::asio::ssl::context context(boost::asio::ssl::context::tls_server);
  context.use_certificate_chain(boost::asio::buffer(cert.certificate_pem));
  context.use_private_key(boost::asio::buffer(cert.private_key_pem), boost::asio::ssl::context::pem);
  return context;
}

boost::asio::ssl::context make_client_tls_context(const fakes::SelfSignedCertificate& cert) {
  boost::asio::ssl::context context(boost::asio::ssl::context::tls_client);
  context.add_certificate_authority(boost::asio::buffer(cert.certificate_pem));
  context.set_verify_mode(boost::asio::ssl::verify_peer);
  return context;
}

}  // namespace patter::net::testing
