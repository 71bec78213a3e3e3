#include "session/utf8.hpp"

#include <gtest/gtest.h>

namespace patter::session {
namespace {

TEST(Utf8Test, DecodesOneToFourByteCharacters) {
  const std::string text = "a\u00E9\u20AC\U0001F600";
  EXPECT_EQ(utf8::decode(text, 0)->value, U'a');
  EXPECT_EQ(utf8::decode(text, 1)->value, U'\u00E9');
  EXPECT_EQ(utf8::decode(text, 1)->length, 2U);
  EXPECT_EQ(utf8::decode(text, 3)->value, U'\u20AC');
  EXPECT_EQ(utf8::decode(text, 6)->value, U'\U0001F600');
  EXPECT_EQ(utf8::decode(text, 6)->length, 4U);
  EXPECT_EQ(utf8::length(text), 4U);
}

TEST(Utf8Test, TruncatedSequenceWaitsForMoreBytes) {
  EXPECT_EQ(utf8::decode("\xE2\x82", 0), std::nullopt);
  EXPECT_EQ(utf8::decode("\xF0", 0), std::nullopt);
  EXPECT_EQ(utf8::length("ab\xE2\x82"), 3U);
}

TEST(Utf8Test, InvalidBytesDecodeAsReplacementOfOneByte) {
  for (const std::string bad :
       {"\xFF", "\x80", "\xC0\xAF", "\xE0\x80\x80", "\xED\xA0\x80", "\xE2(x"}) {
    const auto decoded = utf8::decode(bad, 0);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->value, utf8::kReplacement);
    EXPECT_EQ(decoded->length, 1U);
  }
}

TEST(Utf8Test, LastCharStartAndTrim) {
  EXPECT_EQ(utf8::last_char_start("ab\u20AC"), 2U);
  EXPECT_EQ(utf8::last_char_start("ab"), 1U);
  EXPECT_EQ(utf8::last_char_start(""), 0U);
  EXPECT_EQ(utf8::last_char_start("a\x80"), 1U);
  EXPECT_EQ(utf8::trim(" \t\u3000hé\u00A0\n"), "hé");
  EXPECT_EQ(utf8::trim("   "), "");
}

}  // namespace
}  // namespace patter::session
