#pragma once

#include <boost/asio/ssl/context.hpp>

#include "fakes/self_signed_certificate.hpp"

namespace patter::net::testing {

// A fresh self-signed certificate for "localhost" and 127.0.0.1.
fakes::SelfSignedCertificate make_self_signed_cert();

// A TLS server context presenting the certificate.
boost::asio::ssl::context make_server_tls_context(const fakes::SelfSignedCertificate& cert);
// A TLS client context that trusts only the certificate and verifies the peer.
boost::asio::ssl::context make_client_tls_context(const fakes::SelfSignedCertificate& cert);

}  // namespace patter::net::testing
