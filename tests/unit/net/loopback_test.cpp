#include "net/loopback.hpp"

#include <gtest/gtest.h>

using patter::net::is_loopback_host;

TEST(Loopback, RecognisesLoopbackNamesAndAddresses) {
  for (const char* host : {"localhost", "127.0.0.1", "127.0.0.2", "::1", "[::1]"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
}

TEST(Loopback, EverythingElseIsReachableFromOtherMachines) {
  for (const char* host : {"0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "", "[::1"}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}
