#include "carriers/twilio/signature.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

// Official vectors from protocols.md §1.2 (twilio-python's validator tests).
namespace patter::carriers::twilio {
namespace {

constexpr std::string_view kToken = "12345";
constexpr std::string_view kUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
constexpr std::string_view kUrlWith443 = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
constexpr std::string_view kHttpUrl = "http://mycompany.com/myapp.php?foo=1&bar=2";
constexpr std::string_view kHttpUrlWith80 = "http://mycompany.com:80/myapp.php?foo=1&bar=2";
constexpr std::string_view kFormSignature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
constexpr std::string_view kFormSignatureWith443 = "kvajT1Ptam85bY51eRf/AJRuM3w=";
constexpr std::string_view kFormSignatureHttpWith80 = "0ZXoZLH/DfblKGATFgpif+LLRf4=";
constexpr std::string_view kJsonBody = R"({"property": "value", "boolean": true})";
constexpr std::string_view kJsonBodyHash =
    "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
constexpr std::string_view kJsonUrl =
    "https://mycompany.com/myapp.php?foo=1&bar=2"
    "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
constexpr std::string_view kJsonSignature = "a9nBmqA0ju/hNViExpshrM61xv4=";

const FormParams& call_params() {
  static const FormParams params = {{"CallSid", "CA1234567890ABCDE"},
                                    {"Caller", "+14158675309"},
                                    {"Digits", "1234"},
                                    {"From", "+14158675309"},
                                    {"To", "+18005551212"}};
  return params;
}

TEST(TwilioSignature, ComputesTheOfficialFormVectors) {
  EXPECT_EQ(compute_signature(kToken, kUrl, call_params()), kFormSignature);
  EXPECT_EQ(compute_signature(kToken, kUrlWith443, call_params()), kFormSignatureWith443);
  EXPECT_EQ(compute_signature(kToken, kHttpUrlWith80, call_params()), kFormSignatureHttpWith80);
}

TEST(TwilioSignature, ParameterOrderDoesNotMatter) {
  FormParams reversed(call_params().rbegin(), call_params().rend());
  EXPECT_EQ(compute_signature(kToken, kUrl, reversed), kFormSignature);
}

TEST(TwilioSignature, DuplicateValuesAreDeduplicatedAndSorted) {
  const FormParams params = {{"Sid", "CA123"},
                             {"SidAccount", "AC123"},
                             {"Digits", "5678"},
                             {"Digits", "1234"},
                             {"Digits", "1234"}};
  EXPECT_EQ(compute_signature(kToken, kUrl, params), "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
  EXPECT_EQ(validate_form_request(kToken, kUrl, params, "IK+Dwps556ElfBT0I3Rgjkr1wJU="),
            SignatureCheck::ok);
}

TEST(TwilioSignature, ValidatesTheOfficialFormVector) {
  EXPECT_EQ(validate_form_request(kToken, kUrl, call_params(), kFormSignature), SignatureCheck::ok);
}

TEST(TwilioSignature, AcceptsTheUrlWithTheDefaultPortAddedOrRemoved) {
  // The request arrived without the port but Twilio signed the URL with it, and vice versa.
  EXPECT_EQ(validate_form_request(kToken, kUrl, call_params(), kFormSignatureWith443),
            SignatureCheck::ok);
  EXPECT_EQ(validate_form_request(kToken, kUrlWith443, call_params(), kFormSignature),
            SignatureCheck::ok);
  EXPECT_EQ(validate_form_request(kToken, kHttpUrl, call_params(), kFormSignatureHttpWith80),
            SignatureCheck::ok);
  EXPECT_EQ(validate_form_request(kToken, kHttpUrlWith80, call_params(),
                                  compute_signature(kToken, kHttpUrl, call_params())),
            SignatureCheck::ok);
}

TEST(TwilioSignature, DoesNotDropANonDefaultPort) {
  const auto signature_on_8443 =
      compute_signature(kToken, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", call_params());
  EXPECT_EQ(validate_form_request(kToken, "https://mycompany.com:8443/myapp.php?foo=1&bar=2",
                                  call_params(), signature_on_8443),
            SignatureCheck::ok);
  EXPECT_EQ(validate_form_request(kToken, kUrl, call_params(), signature_on_8443),
            SignatureCheck::mismatch);
  EXPECT_EQ(validate_form_request(kToken, "https://mycompany.com:8443/myapp.php?foo=1&bar=2",
                                  call_params(), kFormSignature),
            SignatureCheck::mismatch);
}

TEST(TwilioSignature, RejectsATamperedParameter) {
  auto tampered = call_params();
  tampered[2].second = "9999";
  EXPECT_EQ(validate_form_request(kToken, kUrl, tampered, kFormSignature),
            SignatureCheck::mismatch);
  auto added = call_params();
  added.emplace_back("Extra", "1");
  EXPECT_EQ(validate_form_request(kToken, kUrl, added, kFormSignature), SignatureCheck::mismatch);
}

TEST(TwilioSignature, RejectsATamperedUrl) {
  EXPECT_EQ(validate_form_request(kToken, "https://mycompany.com/myapp.php?foo=2&bar=2",
                                  call_params(), kFormSignature),
            SignatureCheck::mismatch);
}

TEST(TwilioSignature, RejectsTheWrongToken) {
  EXPECT_EQ(validate_form_request("54321", kUrl, call_params(), kFormSignature),
            SignatureCheck::mismatch);
}

TEST(TwilioSignature, RejectsASignatureThatDiffersOnlyInLength) {
  EXPECT_EQ(validate_form_request(kToken, kUrl, call_params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8"),
            SignatureCheck::mismatch);
  EXPECT_EQ(validate_form_request(kToken, kUrl, call_params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=="),
            SignatureCheck::mismatch);
}

TEST(TwilioSignature, ReportsAMissingSignature) {
  EXPECT_EQ(validate_form_request(kToken, kUrl, call_params(), ""),
            SignatureCheck::missing_signature);
  EXPECT_EQ(validate_url_request(kToken, kUrl, ""), SignatureCheck::missing_signature);
  EXPECT_EQ(validate_json_request(kToken, kJsonUrl, kJsonBody, ""),
            SignatureCheck::missing_signature);
}

TEST(TwilioSignature, RefusesToValidateWithoutAToken) {
  try {
    static_cast<void>(validate_form_request("", kUrl, call_params(), kFormSignature));
    FAIL() << "an empty auth token must throw";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::missing_credential);
  }
  EXPECT_THROW(static_cast<void>(validate_url_request("", kUrl, "x")), core::Error);
  EXPECT_THROW(static_cast<void>(validate_json_request("", kJsonUrl, kJsonBody, "x")), core::Error);
}

TEST(TwilioSignature, UrlOnlyFormForGetAndWebSocketUpgrade) {
  const std::string_view ws_url = "wss://runtime.example.com/ws/stream/CA0123";
  const auto signature = compute_signature(kToken, ws_url);
  EXPECT_EQ(validate_url_request(kToken, ws_url, signature), SignatureCheck::ok);
  EXPECT_EQ(
      validate_url_request(kToken, "wss://runtime.example.com:443/ws/stream/CA0123", signature),
      SignatureCheck::ok);
  EXPECT_EQ(validate_url_request(kToken, "wss://runtime.example.com/ws/stream/CA0124", signature),
            SignatureCheck::mismatch);
  EXPECT_EQ(validate_url_request(kToken, kUrl, kFormSignature), SignatureCheck::mismatch);
}

TEST(TwilioSignature, HashesTheOfficialJsonBody) {
  EXPECT_EQ(body_sha256_hex(kJsonBody), kJsonBodyHash);
  EXPECT_EQ(body_sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(TwilioSignature, ValidatesTheOfficialJsonVector) {
  EXPECT_EQ(compute_signature(kToken, kJsonUrl), kJsonSignature);
  EXPECT_EQ(validate_json_request(kToken, kJsonUrl, kJsonBody, kJsonSignature), SignatureCheck::ok);
}

TEST(TwilioSignature, RejectsAJsonBodyThatDoesNotMatchItsHash) {
  EXPECT_EQ(validate_json_request(kToken, kJsonUrl, R"({"property": "value", "boolean": false})",
                                  kJsonSignature),
            SignatureCheck::body_hash_mismatch);
  EXPECT_EQ(validate_json_request(kToken, kUrl, kJsonBody, kJsonSignature),
            SignatureCheck::body_hash_mismatch);
}

TEST(TwilioSignature, RejectsAJsonRequestWithAForgedSignature) {
  EXPECT_EQ(validate_json_request(kToken, kJsonUrl, kJsonBody, kFormSignature),
            SignatureCheck::mismatch);
  EXPECT_EQ(validate_json_request("54321", kJsonUrl, kJsonBody, kJsonSignature),
            SignatureCheck::mismatch);
}

TEST(TwilioSignature, NamesEachResult) {
  EXPECT_EQ(to_string(SignatureCheck::ok), "ok");
  EXPECT_EQ(to_string(SignatureCheck::missing_signature), "missing_signature");
  EXPECT_EQ(to_string(SignatureCheck::mismatch), "mismatch");
  EXPECT_EQ(to_string(SignatureCheck::body_hash_mismatch), "body_hash_mismatch");
}

}  // namespace
}  // namespace patter::carriers::twilio
