#include "carriers/telnyx/signature.hpp"

#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/base64.hpp"

namespace patter::carriers::telnyx {

namespace {

constexpr std::size_t kRawKeySize = 32;
constexpr std::size_t kSpkiKeySize = 44;  // 12-byte DER header + raw key
constexpr std::size_t kSignatureSize = 64;

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextDeleter>;

Key parse_public_key(std::string_view base64_key) {
  const auto bytes = core::decode_base64(base64_key);
  if (!bytes) return nullptr;
  if (bytes->size() == kRawKeySize) {
    return Key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes->data(), kRawKeySize));
  }
  if (bytes->size() != kSpkiKeySize) return nullptr;
  const unsigned char* cursor = bytes->data();
  Key key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(bytes->size())));
  const bool whole_input_used = cursor == bytes->data() + bytes->size();
  if (!key || !whole_input_used || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519) {
    return nullptr;
  }
  return key;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::optional<std::int64_t> parse_unix_seconds(std::string_view text) {
  std::int64_t seconds = 0;
  const auto* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, seconds);
  if (error != std::errc() || stop != end || seconds < 0) return std::nullopt;
  return seconds;
}

bool is_within_skew(std::int64_t timestamp, core::WallTime now) {
  const auto now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const auto skew = timestamp > now_seconds ? timestamp - now_seconds : now_seconds - timestamp;
  return skew <= kMaxClockSkew.count();
}

bool signature_verifies(EVP_PKEY* key, const std::vector<unsigned char>& signature,
                        std::string_view message) {
  const DigestContext context(EVP_MD_CTX_new());
  return context && EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key) == 1 &&
         EVP_DigestVerify(context.get(), signature.data(), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

}  // namespace

std::string_view to_string(WebhookCheck check) {
  switch (check) {
    case WebhookCheck::ok:
      return "ok";
    case WebhookCheck::missing_headers:
      return "missing_headers";
    case WebhookCheck::bad_timestamp:
      return "bad_timestamp";
    case WebhookCheck::stale_timestamp:
      return "stale_timestamp";
    case WebhookCheck::bad_key:
      return "bad_key";
    case WebhookCheck::bad_signature_encoding:
      return "bad_signature_encoding";
    case WebhookCheck::mismatch:
      return "mismatch";
  }
  return "unknown";
}

bool is_valid_public_key(std::string_view public_key) {
  return parse_public_key(public_key) != nullptr;
}

WebhookCheck verify_webhook(std::string_view public_key, const WebhookHeaders& headers,
                            std::string_view raw_body, core::WallTime now) {
  const auto timestamp_text = trim(headers.timestamp);
  if (trim(headers.signature).empty() || timestamp_text.empty()) {
    return WebhookCheck::missing_headers;
  }
  const auto key = parse_public_key(public_key);
  if (!key) return WebhookCheck::bad_key;
  const auto timestamp = parse_unix_seconds(timestamp_text);
  if (!timestamp) return WebhookCheck::bad_timestamp;
  if (!is_within_skew(*timestamp, now)) return WebhookCheck::stale_timestamp;

  std::string message(timestamp_text);
  message += '|';
  message += raw_body;
  bool any_well_formed = false;
  std::string_view rest = headers.signature;
  while (true) {
    const auto comma = rest.find(',');
    const auto signature = core::decode_base64(trim(rest.substr(0, comma)));
    if (signature && signature->size() == kSignatureSize) {
      any_well_formed = true;
      if (signature_verifies(key.get(), *signature, message)) return WebhookCheck::ok;
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return any_well_formed ? WebhookCheck::mismatch : WebhookCheck::bad_signature_encoding;
}

}  // namespace patter::carriers::telnyx
