#pragma once

#include <string>
#include <vector>

namespace patter::fakes {

// A fresh P-256 key and a self-signed certificate (CA:TRUE, serverAuth) valid for the given
// DNS names and IP addresses, for fake TLS servers; clients trust certificate_pem.
struct SelfSignedCertificate {
  std::string certificate_pem;
  std::string private_key_pem;

  static SelfSignedCertificate generate(const std::vector<std::string>& hosts);
};

}  // namespace patter::fakes
