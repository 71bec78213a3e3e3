#include "carriers/twilio/signature.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <set>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "core/error.hpp"

namespace patter::carriers::twilio {

namespace {

namespace urls = boost::urls;

std::string base64(const unsigned char* data, std::size_t size) {
  std::string encoded(4 * ((size + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), data,
                                      static_cast<int>(size));
  encoded.resize(static_cast<std::size_t>(written));
  return encoded;
}

std::string hmac_sha1_base64(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  const auto* result = HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                            digest.data(), &digest_size);
  if (result == nullptr) throw core::Error(core::Errc::internal, "HMAC-SHA1 failed");
  return base64(digest.data(), digest_size);
}

void require_token(std::string_view auth_token) {
  if (auth_token.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      "Twilio auth token is not set; webhook signatures cannot be checked");
  }
}

std::uint16_t default_port(const urls::url& url) {
  switch (url.scheme_id()) {
    case urls::scheme::https:
    case urls::scheme::wss:
      return 443;
    case urls::scheme::http:
    case urls::scheme::ws:
      return 80;
    default:
      return 0;
  }
}

// The URL with the scheme's default port removed if it is there, added if it is not. Empty
// when the URL does not parse, has no known scheme, or carries another port.
std::string with_default_port_toggled(std::string_view text) {
  const auto parsed = urls::parse_absolute_uri(text);
  if (!parsed || !parsed->has_authority()) return {};
  urls::url url(*parsed);
  const auto port = default_port(url);
  if (port == 0) return {};
  if (!url.has_port()) {
    url.set_port_number(port);
  } else if (url.port_number() == port) {
    url.remove_port();
  } else {
    return {};
  }
  return std::string(url.buffer());
}

bool equal_in_constant_time(std::string_view expected, std::string_view presented) {
  return expected.size() == presented.size() &&
         CRYPTO_memcmp(expected.data(), presented.data(), expected.size()) == 0;
}

SignatureCheck check_both_port_forms(std::string_view auth_token, std::string_view url,
                                     const FormParams& params, std::string_view signature) {
  if (equal_in_constant_time(compute_signature(auth_token, url, params), signature)) {
    return SignatureCheck::ok;
  }
  const auto other = with_default_port_toggled(url);
  if (!other.empty() &&
      equal_in_constant_time(compute_signature(auth_token, other, params), signature)) {
    return SignatureCheck::ok;
  }
  return SignatureCheck::mismatch;
}

std::string body_sha256_param(std::string_view url) {
  const auto parsed = urls::parse_uri_reference(url);
  if (!parsed) return {};
  const auto params = parsed->params();
  const auto found = params.find("bodySHA256");
  return found == params.end() ? std::string() : std::string((*found).value);
}

}  // namespace

std::string_view to_string(SignatureCheck check) {
  switch (check) {
    case SignatureCheck::ok:
      return "ok";
    case SignatureCheck::missing_signature:
      return "missing_signature";
    case SignatureCheck::mismatch:
      return "mismatch";
    case SignatureCheck::body_hash_mismatch:
      return "body_hash_mismatch";
  }
  return "unknown";
}

std::string compute_signature(std::string_view auth_token, std::string_view url,
                              const FormParams& params) {
  require_token(auth_token);
  std::map<std::string_view, std::set<std::string_view>> sorted;
  for (const auto& [name, value] : params) sorted[name].insert(value);
  std::string message(url);
  for (const auto& [name, values] : sorted) {
    for (const auto value : values) {
      message += name;
      message += value;
    }
  }
  return hmac_sha1_base64(auth_token, message);
}

std::string body_sha256_hex(std::string_view raw_body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  if (EVP_Digest(raw_body.data(), raw_body.size(), digest.data(), &digest_size, EVP_sha256(),
                 nullptr) != 1) {
    throw core::Error(core::Errc::internal, "SHA-256 failed");
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{2} * digest_size);
  for (unsigned int i = 0; i < digest_size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0F];
  }
  return hex;
}

SignatureCheck validate_form_request(std::string_view auth_token, std::string_view url,
                                     const FormParams& params, std::string_view signature_header) {
  require_token(auth_token);
  if (signature_header.empty()) return SignatureCheck::missing_signature;
  return check_both_port_forms(auth_token, url, params, signature_header);
}

SignatureCheck validate_url_request(std::string_view auth_token, std::string_view url,
                                    std::string_view signature_header) {
  return validate_form_request(auth_token, url, {}, signature_header);
}

SignatureCheck validate_json_request(std::string_view auth_token, std::string_view url,
                                     std::string_view raw_body, std::string_view signature_header) {
  require_token(auth_token);
  if (signature_header.empty()) return SignatureCheck::missing_signature;
  const auto expected_hash = body_sha256_param(url);
  if (expected_hash.empty() || expected_hash != body_sha256_hex(raw_body)) {
    return SignatureCheck::body_hash_mismatch;
  }
  return check_both_port_forms(auth_token, url, {}, signature_header);
}

}  // namespace patter::carriers::twilio
