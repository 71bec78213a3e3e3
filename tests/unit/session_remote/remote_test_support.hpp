#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

#include "net/ssrf_guard.hpp"

namespace patter::session::testing {

// Lets a client reach the loopback fakes.
inline net::OutboundUrlPolicy loopback_allowed() {
  net::OutboundUrlPolicy policy;
  policy.allowed_hosts = {"127.0.0.1"};
  return policy;
}

// Owns the event loop the clients run on; the test thread drives it, so callbacks run there.
class RemoteClientTest : public ::testing::Test {
 protected:
  // Runs the loop until `finished` holds, the loop runs out of work, or `limit` passes.
  bool run_until(const std::function<bool()>& finished,
                 std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    io_.restart();
    while (!finished() && std::chrono::steady_clock::now() < deadline) {
      // Short slices: `finished` may depend on the fake server's thread.
      if (io_.run_one_for(std::chrono::milliseconds(5)) == 0 && io_.stopped()) break;
    }
    return finished();
  }

  // Runs the loop until no work is left; false if work remained after `limit`.
  bool run_until_idle(std::chrono::milliseconds limit) {
    io_.restart();
    io_.run_for(limit);
    return io_.stopped();
  }

  boost::asio::io_context io_;
};

}  // namespace patter::session::testing
