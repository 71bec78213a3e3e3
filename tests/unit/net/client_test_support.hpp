#pragma once

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>

#include "fakes/run_coroutine.hpp"
#include "net/client_error.hpp"

namespace patter::net::testing {

// Owns the client-side event loop of a test; every run is bounded.
class ClientLoopTest : public ::testing::Test {
 protected:
  template <typename T>
  T run(boost::asio::awaitable<T> work,
        std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    return fakes::run_coroutine(io_, std::move(work), limit);
  }

  // Runs work that must fail with a ClientError and returns that error.
  template <typename T>
  ClientError run_expecting_error(boost::asio::awaitable<T> work) {
    try {
      run(std::move(work));
    } catch (const ClientError& error) {
      return error;
    }
    ADD_FAILURE() << "expected a ClientError";
    return ClientError(ClientErrorKind::protocol_error, "no error was raised");
  }

  boost::asio::io_context io_;
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace patter::net::testing
