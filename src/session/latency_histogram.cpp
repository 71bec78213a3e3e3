#include "session/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>

namespace patter::session {

namespace {

constexpr int kSubBucketBits = 4;  // log2(kSubBuckets)

}  // namespace

std::size_t LatencyHistogram::bucket_of(std::uint64_t micros) {
  if (micros < kSubBuckets) return static_cast<std::size_t>(micros);
  const int exponent = std::bit_width(micros) - 1;  // >= kSubBucketBits
  const int shift = exponent - kSubBucketBits;
  const auto sub = static_cast<std::size_t>((micros >> shift) & (kSubBuckets - 1));
  const std::size_t index = kSubBuckets + static_cast<std::size_t>(shift) * kSubBuckets + sub;
  return std::min(index, kBucketCount - 1);
}

std::uint64_t LatencyHistogram::bucket_end(std::size_t index) {
  if (index < kSubBuckets) return index + 1;
  const std::size_t shift = (index - kSubBuckets) / kSubBuckets;
  const std::size_t sub = (index - kSubBuckets) % kSubBuckets;
  return static_cast<std::uint64_t>(kSubBuckets + sub + 1) << shift;
}

void LatencyHistogram::record(core::Duration duration) {
  const auto micros = static_cast<std::uint64_t>(
      std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::microseconds>(duration).count()));
  buckets_[bucket_of(micros)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(micros, std::memory_order_relaxed);
  std::uint64_t seen = max_us_.load(std::memory_order_relaxed);
  while (micros > seen && !max_us_.compare_exchange_weak(seen, micros, std::memory_order_relaxed)) {
  }
}

HistogramSnapshot LatencyHistogram::snapshot() const {
  HistogramSnapshot out;
  out.buckets.resize(kBucketCount);
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    out.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
    out.count += out.buckets[i];
  }
  out.sum_us = sum_us_.load(std::memory_order_relaxed);
  out.max_us = max_us_.load(std::memory_order_relaxed);
  return out;
}

double HistogramSnapshot::quantile_ms(double q) const {
  if (count == 0 || buckets.empty()) return 0.0;
  const auto rank = static_cast<std::uint64_t>(
      std::max(1.0, std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    seen += buckets[i];
    if (seen >= rank) {
      const auto upper = LatencyHistogram::bucket_end(i) - 1;
      return static_cast<double>(std::min(upper, max_us)) / 1000.0;
    }
  }
  return static_cast<double>(max_us) / 1000.0;
}

double HistogramSnapshot::mean_ms() const {
  return count == 0 ? 0.0 : static_cast<double>(sum_us) / static_cast<double>(count) / 1000.0;
}

HistogramSnapshot HistogramSnapshot::since(const HistogramSnapshot& earlier) const {
  HistogramSnapshot out;
  out.buckets.resize(buckets.size());
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const std::uint64_t before = i < earlier.buckets.size() ? earlier.buckets[i] : 0;
    out.buckets[i] = buckets[i] >= before ? buckets[i] - before : 0;
    out.count += out.buckets[i];
  }
  out.sum_us = sum_us >= earlier.sum_us ? sum_us - earlier.sum_us : 0;
  for (std::size_t i = out.buckets.size(); i-- > 0;) {
    if (out.buckets[i] == 0) continue;
    out.max_us = std::min(LatencyHistogram::bucket_end(i) - 1, max_us);
    break;
  }
  return out;
}

}  // namespace patter::session
