#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace patter::fakes {

// Runs `work` on `io` from a test's thread until it finishes or `limit` passes, then returns
// its result or rethrows its exception. Throws std::runtime_error when the limit passes first.
template <typename T>
T run_coroutine(boost::asio::io_context& io, boost::asio::awaitable<T> work,
                std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  std::exception_ptr failure;
  bool finished = false;
  std::conditional_t<std::is_void_v<T>, bool, std::optional<T>> result{};
  if constexpr (std::is_void_v<T>) {
    boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr error) {
      failure = error;
      finished = true;
    });
  } else {
    boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr error, T value) {
      failure = error;
      if (!error) result.emplace(std::move(value));
      finished = true;
    });
  }
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!finished && std::chrono::steady_clock::now() < deadline) {
    if (io.run_one_until(deadline) == 0 && io.stopped()) break;
  }
  if (!finished) throw std::runtime_error("coroutine did not finish in time");
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

}  // namespace patter::fakes
