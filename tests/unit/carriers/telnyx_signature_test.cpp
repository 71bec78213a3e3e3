#include "carriers/telnyx/signature.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace patter::carriers::telnyx {
namespace {

using std::chrono::seconds;

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;

std::string base64(const std::vector<unsigned char>& bytes) {
  std::string encoded(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                      bytes.data(), static_cast<int>(bytes.size()));
  encoded.resize(static_cast<std::size_t>(written));
  return encoded;
}

// A fresh Ed25519 key pair per test, standing in for Telnyx's signing key.
class SigningKey {
 public:
  SigningKey() : key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")) {
    if (!key_) throw std::runtime_error("Ed25519 key generation failed");
  }

  [[nodiscard]] std::string raw_public_key_base64() const {
    std::vector<unsigned char> raw(32);
    std::size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(key_.get(), raw.data(), &size) != 1) {
      throw std::runtime_error("raw public key export failed");
    }
    return base64(raw);
  }

  [[nodiscard]] std::string spki_public_key_base64() const {
    unsigned char* der = nullptr;
    const int size = i2d_PUBKEY(key_.get(), &der);
    if (size <= 0) throw std::runtime_error("DER public key export failed");
    const std::vector<unsigned char> bytes(der, der + size);
    OPENSSL_free(der);
    return base64(bytes);
  }

  [[nodiscard]] std::string sign_base64(std::string_view message) const {
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                          EVP_MD_CTX_free);
    std::vector<unsigned char> signature(64);
    std::size_t size = signature.size();
    if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
        EVP_DigestSign(context.get(), signature.data(), &size,
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
      throw std::runtime_error("Ed25519 signing failed");
    }
    return base64(signature);
  }

 private:
  Key key_;
};

constexpr std::string_view kBody =
    R"({"data":{"event_type":"call.initiated","payload":{"call_control_id":"v3:abc"}}})";
constexpr std::string_view kTimestamp = "1700000000";
const core::WallTime kSentAt{seconds(1700000000)};

std::string signed_message(std::string_view timestamp, std::string_view body) {
  return std::string(timestamp) + "|" + std::string(body);
}

class TelnyxSignature : public ::testing::Test {
 protected:
  [[nodiscard]] WebhookCheck verify(std::string_view signature, core::WallTime now = kSentAt,
                                    std::string_view body = kBody) const {
    return verify_webhook(key_.raw_public_key_base64(),
                          {.signature = signature, .timestamp = kTimestamp}, body, now);
  }

  SigningKey key_;
  std::string good_ = key_.sign_base64(signed_message(kTimestamp, kBody));
};

TEST_F(TelnyxSignature, AcceptsTheRawPortalKey) {
  EXPECT_EQ(verify(good_), WebhookCheck::ok);
  EXPECT_TRUE(is_valid_public_key(key_.raw_public_key_base64()));
}

TEST_F(TelnyxSignature, AcceptsTheDerSpkiKey) {
  const auto spki = key_.spki_public_key_base64();
  EXPECT_EQ(spki.size(), 60U);  // base64 of 44 bytes
  EXPECT_TRUE(is_valid_public_key(spki));
  EXPECT_EQ(verify_webhook(spki, {.signature = good_, .timestamp = kTimestamp}, kBody, kSentAt),
            WebhookCheck::ok);
}

TEST_F(TelnyxSignature, RejectsATamperedBody) {
  std::string tampered(kBody);
  tampered.replace(tampered.find("v3:abc"), 6, "v3:xyz");
  EXPECT_EQ(verify(good_, kSentAt, tampered), WebhookCheck::mismatch);
  EXPECT_EQ(verify(good_, kSentAt, std::string(kBody) + " "), WebhookCheck::mismatch);
}

TEST_F(TelnyxSignature, RejectsAReplayedSignatureWithAnotherTimestamp) {
  const core::WallTime later{seconds(1700000100)};
  EXPECT_EQ(verify_webhook(key_.raw_public_key_base64(),
                           {.signature = good_, .timestamp = "1700000100"}, kBody, later),
            WebhookCheck::mismatch);
}

TEST_F(TelnyxSignature, RejectsASignatureFromAnotherKey) {
  const SigningKey other;
  EXPECT_EQ(verify(other.sign_base64(signed_message(kTimestamp, kBody))), WebhookCheck::mismatch);
  EXPECT_EQ(verify_webhook(other.raw_public_key_base64(),
                           {.signature = good_, .timestamp = kTimestamp}, kBody, kSentAt),
            WebhookCheck::mismatch);
}

TEST_F(TelnyxSignature, AcceptsAnyOneOfSeveralSignaturesDuringRotation) {
  const SigningKey retired;
  const auto old_signature = retired.sign_base64(signed_message(kTimestamp, kBody));
  EXPECT_EQ(verify(old_signature + "," + good_), WebhookCheck::ok);
  EXPECT_EQ(verify(good_ + ", " + old_signature), WebhookCheck::ok);
  EXPECT_EQ(verify("not base64!," + good_), WebhookCheck::ok);
  EXPECT_EQ(verify(old_signature + "," + old_signature), WebhookCheck::mismatch);
}

TEST_F(TelnyxSignature, AllowsFiveMinutesOfSkewEitherWay) {
  EXPECT_EQ(verify(good_, kSentAt + seconds(300)), WebhookCheck::ok);
  EXPECT_EQ(verify(good_, kSentAt - seconds(300)), WebhookCheck::ok);
  EXPECT_EQ(verify(good_, kSentAt + seconds(301)), WebhookCheck::stale_timestamp);
  EXPECT_EQ(verify(good_, kSentAt - seconds(301)), WebhookCheck::stale_timestamp);
  EXPECT_EQ(verify(good_, kSentAt + seconds(86400)), WebhookCheck::stale_timestamp);
}

TEST_F(TelnyxSignature, RejectsTimestampsThatAreNotUnixSeconds) {
  const auto key = key_.raw_public_key_base64();
  for (const std::string_view timestamp : {"17000000xx", "-1700000000", "1700000000.5", "+1"}) {
    EXPECT_EQ(verify_webhook(key, {.signature = good_, .timestamp = timestamp}, kBody, kSentAt),
              WebhookCheck::bad_timestamp)
        << timestamp;
  }
  EXPECT_EQ(verify_webhook(key, {.signature = good_, .timestamp = "1700000000000"}, kBody, kSentAt),
            WebhookCheck::stale_timestamp);
}

TEST_F(TelnyxSignature, ReportsMissingHeaders) {
  const auto key = key_.raw_public_key_base64();
  EXPECT_EQ(verify_webhook(key, {.signature = "", .timestamp = kTimestamp}, kBody, kSentAt),
            WebhookCheck::missing_headers);
  EXPECT_EQ(verify_webhook(key, {.signature = good_, .timestamp = ""}, kBody, kSentAt),
            WebhookCheck::missing_headers);
  EXPECT_EQ(verify_webhook(key, {.signature = " ", .timestamp = kTimestamp}, kBody, kSentAt),
            WebhookCheck::missing_headers);
}

TEST_F(TelnyxSignature, ReportsAnUnusableKey) {
  const auto raw = key_.raw_public_key_base64();
  for (const std::string& key :
       {std::string(), std::string("not base64"), raw.substr(0, 40), std::string("AAAA") + raw,
        base64(std::vector<unsigned char>(44))}) {
    EXPECT_FALSE(is_valid_public_key(key)) << key;
    EXPECT_EQ(verify_webhook(key, {.signature = good_, .timestamp = kTimestamp}, kBody, kSentAt),
              WebhookCheck::bad_key)
        << key;
  }
}

TEST_F(TelnyxSignature, RejectsASpkiKeyOfAnotherAlgorithm) {
  const Key x25519(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
  ASSERT_TRUE(x25519);
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(x25519.get(), &der);
  ASSERT_EQ(size, 44);
  const std::vector<unsigned char> bytes(der, der + size);
  OPENSSL_free(der);
  EXPECT_FALSE(is_valid_public_key(base64(bytes)));
}

TEST_F(TelnyxSignature, ReportsSignaturesThatAreNotBase64Of64Bytes) {
  EXPECT_EQ(verify("%%%%"), WebhookCheck::bad_signature_encoding);
  EXPECT_EQ(verify(good_.substr(0, 40)), WebhookCheck::bad_signature_encoding);
  EXPECT_EQ(verify(base64(std::vector<unsigned char>(63))), WebhookCheck::bad_signature_encoding);
  EXPECT_EQ(verify(",,"), WebhookCheck::bad_signature_encoding);
  EXPECT_EQ(verify(base64(std::vector<unsigned char>(64))), WebhookCheck::mismatch);
}

TEST(TelnyxSignatureNames, NamesEachResult) {
  EXPECT_EQ(to_string(WebhookCheck::ok), "ok");
  EXPECT_EQ(to_string(WebhookCheck::missing_headers), "missing_headers");
  EXPECT_EQ(to_string(WebhookCheck::bad_timestamp), "bad_timestamp");
  EXPECT_EQ(to_string(WebhookCheck::stale_timestamp), "stale_timestamp");
  EXPECT_EQ(to_string(WebhookCheck::bad_key), "bad_key");
  EXPECT_EQ(to_string(WebhookCheck::bad_signature_encoding), "bad_signature_encoding");
  EXPECT_EQ(to_string(WebhookCheck::mismatch), "mismatch");
}

}  // namespace
}  // namespace patter::carriers::telnyx
