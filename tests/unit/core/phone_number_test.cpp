#include "core/phone_number.hpp"

#include <gtest/gtest.h>

namespace patter::core {
namespace {

TEST(PhoneNumber, AcceptsE164Numbers) {
  EXPECT_TRUE(is_e164("+14155550123"));
  EXPECT_TRUE(is_e164("+1234567"));          // 7 digits, the shortest allowed
  EXPECT_TRUE(is_e164("+123456789012345"));  // 15 digits, the longest allowed
  EXPECT_TRUE(is_e164("+447700900123"));
}

TEST(PhoneNumber, RejectsAnythingElseAsE164) {
  EXPECT_FALSE(is_e164(""));
  EXPECT_FALSE(is_e164("+"));
  EXPECT_FALSE(is_e164("14155550123"));
  EXPECT_FALSE(is_e164("+04155550123"));
  EXPECT_FALSE(is_e164("+123456"));
  EXPECT_FALSE(is_e164("+1234567890123456"));
  EXPECT_FALSE(is_e164("+1 415 555 0123"));
  EXPECT_FALSE(is_e164("+1-415-555-0123"));
  EXPECT_FALSE(is_e164("+1415555012a"));
  EXPECT_FALSE(is_e164("+14155550123\n"));
  EXPECT_FALSE(is_e164("++14155550123"));
}

TEST(PhoneNumber, AcceptsSipUris) {
  EXPECT_TRUE(is_sip_uri("sip:alice@example.com"));
  EXPECT_TRUE(is_sip_uri("sips:alice@sip.example.com"));
  EXPECT_TRUE(is_sip_uri("SIP:Alice@Example.COM"));
  EXPECT_TRUE(is_sip_uri("sip:+14155550123@sip.telnyx.com"));
  EXPECT_TRUE(is_sip_uri("sip:support@10.0.0.5:5060"));
  EXPECT_TRUE(is_sip_uri("sip:bob@[2001:db8::1]:5061"));
  EXPECT_TRUE(is_sip_uri("sip:bob@[2001:db8::1]"));
  EXPECT_TRUE(is_sip_uri("sip:bob%20smith@example.com;transport=tls"));
}

TEST(PhoneNumber, RejectsMalformedOrUnsafeSipUris) {
  EXPECT_FALSE(is_sip_uri("alice@example.com"));
  EXPECT_FALSE(is_sip_uri("tel:+14155550123"));
  EXPECT_FALSE(is_sip_uri("sip:example.com"));
  EXPECT_FALSE(is_sip_uri("sip:@example.com"));
  EXPECT_FALSE(is_sip_uri("sip:alice@"));
  EXPECT_FALSE(is_sip_uri("sip:alice@-bad.example.com"));
  EXPECT_FALSE(is_sip_uri("sip:alice@example..com"));
  EXPECT_FALSE(is_sip_uri("sip:alice@example.com:99999"));
  EXPECT_FALSE(is_sip_uri("sip:alice@example.com:"));
  EXPECT_FALSE(is_sip_uri("sip:ali ce@example.com"));
  EXPECT_FALSE(is_sip_uri("sip:alice@example.com\"/><Hangup/>"));
  EXPECT_FALSE(is_sip_uri("sip:a<b@example.com"));
  EXPECT_FALSE(is_sip_uri("sip:alice%2@example.com"));
  EXPECT_FALSE(is_sip_uri("sip:alice@example.com;"));
  EXPECT_FALSE(is_sip_uri("sip:" + std::string(300, 'a') + "@example.com"));
}

TEST(PhoneNumber, TransferTargetIsE164OrSip) {
  EXPECT_TRUE(is_transfer_target("+14155550123"));
  EXPECT_TRUE(is_transfer_target("sip:desk@pbx.example.com"));
  EXPECT_FALSE(is_transfer_target("4155550123"));
  EXPECT_FALSE(is_transfer_target("https://example.com"));
}

TEST(PhoneNumber, MaskKeepsOnlyTheLastFourCharacters) {
  EXPECT_EQ(mask_phone("+14155550123"), "***0123");
  EXPECT_EQ(mask_phone("12345"), "***2345");
  EXPECT_EQ(mask_phone("1234"), "***");
  EXPECT_EQ(mask_phone(""), "***");
}

}  // namespace
}  // namespace patter::core
