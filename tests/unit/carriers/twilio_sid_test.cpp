#include "carriers/twilio/sid.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"

namespace patter::carriers::twilio {
namespace {

const std::string kHex32 = "0123456789abcdef0123456789abcdef";

TEST(TwilioSid, AcceptsEachKindWithItsPrefix) {
  EXPECT_TRUE(is_valid_sid("CA" + kHex32, SidKind::call));
  EXPECT_TRUE(is_valid_sid("AC" + kHex32, SidKind::account));
  EXPECT_TRUE(is_valid_sid("MZ" + kHex32, SidKind::stream));
  EXPECT_TRUE(is_valid_sid("RE" + kHex32, SidKind::recording));
}

TEST(TwilioSid, RejectsTheWrongPrefix) {
  EXPECT_FALSE(is_valid_sid("AC" + kHex32, SidKind::call));
  EXPECT_FALSE(is_valid_sid("CA" + kHex32, SidKind::recording));
  EXPECT_FALSE(is_valid_sid("ca" + kHex32, SidKind::call));
}

TEST(TwilioSid, RejectsTheWrongLengthOrAlphabet) {
  EXPECT_FALSE(is_valid_sid("", SidKind::call));
  EXPECT_FALSE(is_valid_sid("CA", SidKind::call));
  EXPECT_FALSE(is_valid_sid("CA" + kHex32.substr(1), SidKind::call));
  EXPECT_FALSE(is_valid_sid("CA" + kHex32 + "0", SidKind::call));
  EXPECT_FALSE(is_valid_sid("CA0123456789ABCDEF0123456789abcdef", SidKind::call));
  EXPECT_FALSE(is_valid_sid("CA0123456789abcdeg0123456789abcdef", SidKind::call));
  EXPECT_FALSE(is_valid_sid("CA0123456789abcdef0123456789abc/..", SidKind::call));
  EXPECT_FALSE(is_valid_sid("CA1234567890ABCDE", SidKind::call));
}

TEST(TwilioSid, RequireThrowsBadRequestWithoutEchoingTheValue) {
  EXPECT_NO_THROW(require_valid_sid("CA" + kHex32, SidKind::call));
  try {
    require_valid_sid("CA../../Accounts", SidKind::call);
    FAIL() << "an invalid SID must throw";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::bad_request);
    EXPECT_EQ(std::string(error.what()).find("Accounts"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("call SID"), std::string::npos);
  }
}

TEST(TwilioSid, PrefixesMatchTwilio) {
  EXPECT_EQ(sid_prefix(SidKind::call), "CA");
  EXPECT_EQ(sid_prefix(SidKind::account), "AC");
  EXPECT_EQ(sid_prefix(SidKind::stream), "MZ");
  EXPECT_EQ(sid_prefix(SidKind::recording), "RE");
}

}  // namespace
}  // namespace patter::carriers::twilio
