#pragma once

#include <cstdint>
#include <random>

namespace patter::core {

// A fresh seed for a short-lived generator (retry jitter and the like). std::random_device opens
// the system's entropy source on every construction, a system call per request and sentence;
// this draws from one generator per thread, seeded from it once.
inline std::uint64_t random_seed() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator();
}

}  // namespace patter::core
