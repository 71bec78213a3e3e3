#include "dashboard/api_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <string>

#include "core/error.hpp"
#include "net/loopback.hpp"

namespace patter::dashboard {
namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

Digest sha256(std::string_view text) {
  Digest digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

// Hashing first gives both sides the same length, so neither the content nor the length of
// the configured token leaks through the comparison time.
bool same_secret(std::string_view presented, std::string_view expected) {
  const Digest left = sha256(presented);
  const Digest right = sha256(expected);
  return CRYPTO_memcmp(left.data(), right.data(), left.size()) == 0;
}

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != kScheme[i]) return {};
  }
  return authorization.substr(kScheme.size());
}


}  // namespace

bool is_authorized(const net::HttpRequest& request, const DashboardApiOptions& options) {
  if (!options.require_token && options.token.empty()) return true;
  if (options.token.empty()) return false;
  if (const auto header = request.header("Authorization")) {
    const auto token = bearer_token(*header);
    if (!token.empty() && same_secret(token, options.token)) return true;
  }
  if (const auto token = request.query_param("token")) {
    if (!token->empty() && same_secret(*token, options.token)) return true;
  }
  return false;
}

void validate_dashboard_exposure(std::string_view host, std::string_view token) {
  if (token.empty() && !net::is_loopback_host(host)) {
    throw core::Error(core::Errc::config_invalid,
                      "dashboard bound to non-loopback host '" + std::string(host) +
                          "' requires a dashboard token");
  }
}

}  // namespace patter::dashboard
