#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/clock.hpp"

namespace patter::session {

// What a LatencyHistogram held at one moment.
struct HistogramSnapshot {
  std::uint64_t count = 0;
  std::uint64_t sum_us = 0;
  std::uint64_t max_us = 0;
  std::vector<std::uint64_t> buckets;  // one count per bucket index

  // The `q` quantile (0..1) in milliseconds: the upper bound of the bucket holding that rank,
  // never above the largest value seen. 0 when empty.
  [[nodiscard]] double quantile_ms(double q) const;
  [[nodiscard]] double mean_ms() const;
  // What happened between `earlier` (a snapshot of the same histogram) and this one; max_us
  // is the upper bound of the highest bucket used in between (capped by the overall maximum).
  [[nodiscard]] HistogramSnapshot since(const HistogramSnapshot& earlier) const;
};

// Durations in microseconds, log-linear buckets (16 per power of two, so within 6.25 %;
// exact below 16 µs) from 0 to about 19 hours, longer ones counted in the last bucket. Recording
// is lock-free and wait-free, from any thread; snapshots may run concurrently with recording.
class LatencyHistogram {
 public:
  static constexpr std::size_t kSubBuckets = 16;
  static constexpr std::size_t kBucketCount = kSubBuckets + 32 * kSubBuckets;

  void record(core::Duration duration);
  [[nodiscard]] HistogramSnapshot snapshot() const;

  [[nodiscard]] static std::size_t bucket_of(std::uint64_t micros);
  // Smallest value (µs) that falls in the next bucket.
  [[nodiscard]] static std::uint64_t bucket_end(std::size_t index);

 private:
  std::array<std::atomic<std::uint64_t>, kBucketCount> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_us_{0};
  std::atomic<std::uint64_t> max_us_{0};
};

}  // namespace patter::session
