#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace patter::carriers::twilio {

// Decoded form fields of a webhook POST, in any order; a name may repeat.
using FormParams = std::vector<std::pair<std::string, std::string>>;

enum class SignatureCheck {
  ok,
  missing_signature,   // no or empty X-Twilio-Signature header
  mismatch,            // the signature is not the one the auth token gives
  body_hash_mismatch,  // JSON body: bodySHA256 is absent from the URL or differs from the body
};

[[nodiscard]] std::string_view to_string(SignatureCheck check);

// base64(HMAC-SHA1(auth_token, url + for each name in byte order, for each of its distinct
// values in byte order: name + value)). With no params this is the GET / WebSocket form.
[[nodiscard]] std::string compute_signature(std::string_view auth_token, std::string_view url,
                                            const FormParams& params = {});

// Lower-case hex SHA-256, the value Twilio puts in the bodySHA256 query parameter.
[[nodiscard]] std::string body_sha256_hex(std::string_view raw_body);

// The validators accept the URL as given or with its default port (:443 for https/wss, :80 for
// http/ws) removed or added, since Twilio is inconsistent about it. An empty auth token throws
// core::Error(missing_credential): no request may pass a check made without a secret.
[[nodiscard]] SignatureCheck validate_form_request(std::string_view auth_token,
                                                   std::string_view url, const FormParams& params,
                                                   std::string_view signature_header);

// GET webhooks and the Media Streams WebSocket upgrade: the signature covers the URL alone.
[[nodiscard]] SignatureCheck validate_url_request(std::string_view auth_token, std::string_view url,
                                                  std::string_view signature_header);

// JSON-body webhooks: the URL carries bodySHA256, which must match the raw body, and the
// signature covers the full URL including it.
[[nodiscard]] SignatureCheck validate_json_request(std::string_view auth_token,
                                                   std::string_view url, std::string_view raw_body,
                                                   std::string_view signature_header);

}  // namespace patter::carriers::twilio
