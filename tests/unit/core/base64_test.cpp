#include "core/base64.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace patter::core {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

TEST(Base64Test, EncodesTheRfc4648Vectors) {
  EXPECT_EQ(encode_base64(bytes_of("")), "");
  EXPECT_EQ(encode_base64(bytes_of("f")), "Zg==");
  EXPECT_EQ(encode_base64(bytes_of("fo")), "Zm8=");
  EXPECT_EQ(encode_base64(bytes_of("foo")), "Zm9v");
  EXPECT_EQ(encode_base64(bytes_of("foobar")), "Zm9vYmFy");
}

TEST(Base64Test, DecodesWhatItEncodesForEveryLength) {
  std::vector<std::uint8_t> bytes;
  for (int length = 0; length < 40; ++length) {
    const auto decoded = decode_base64(encode_base64(bytes));
    ASSERT_TRUE(decoded) << length;
    EXPECT_EQ(*decoded, bytes) << length;
    bytes.push_back(static_cast<std::uint8_t>(255 - length * 7));
  }
}

TEST(Base64Test, RejectsAnythingButStrictPaddedBase64) {
  EXPECT_FALSE(decode_base64("Zg="));         // length
  EXPECT_FALSE(decode_base64("Zm 9v"));       // whitespace
  EXPECT_FALSE(decode_base64("Zm9v\nYmFy"));  // newline
  EXPECT_FALSE(decode_base64("Z=9v"));        // padding inside
  EXPECT_FALSE(decode_base64("Zm9-"));        // URL-safe alphabet
  EXPECT_FALSE(decode_base64("Z==="));        // three padding characters
  ASSERT_TRUE(decode_base64(""));
  EXPECT_TRUE(decode_base64("")->empty());
}

}  // namespace
}  // namespace patter::core
