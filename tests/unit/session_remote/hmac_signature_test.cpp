#include "session/remote/hmac_signature.hpp"

#include <gtest/gtest.h>

namespace patter::session {
namespace {

// RFC 4231, test case 2.
TEST(HmacSignature, MatchesRfc4231TestVector) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSignature, EmptyKeyAndMessageGiveTheKnownDigest) {
  EXPECT_EQ(hmac_sha256_hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

}  // namespace
}  // namespace patter::session
