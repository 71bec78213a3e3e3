#include "dashboard/iso_time.hpp"

#include <gtest/gtest.h>

namespace patter::dashboard {
namespace {

TEST(IsoTimeTest, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_iso_utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso_utc(1'778'578'200'250), "2026-05-12T09:30:00.250Z");
  EXPECT_EQ(format_iso_utc(1'778'630'399'999), "2026-05-12T23:59:59.999Z");
}

}  // namespace
}  // namespace patter::dashboard
