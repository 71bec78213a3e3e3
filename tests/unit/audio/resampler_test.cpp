#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <numbers>
#include <random>
#include <vector>

#include "audio/pcm16.hpp"
#include "audio/resampler.hpp"

namespace patter::audio {
namespace {

struct RatePair {
  int input;
  int output;
};

std::ostream& operator<<(std::ostream& out, const RatePair& pair) {
  return out << pair.input << "->" << pair.output;
}

std::vector<RatePair> every_pair() {
  std::vector<RatePair> pairs;
  for (int input : {8000, 16000, 24000, 48000}) {
    for (int output : {8000, 16000, 24000, 48000}) pairs.push_back({input, output});
  }
  return pairs;
}

std::vector<std::int16_t> noisy_tones(std::size_t count, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> noise(-3000, 3000);
  std::vector<std::int16_t> samples(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double tone = 9000 * std::sin(0.05 * static_cast<double>(i)) +
                        6000 * std::sin(0.31 * static_cast<double>(i));
    samples[i] = static_cast<std::int16_t>(std::lround(tone) + noise(random));
  }
  return samples;
}

void append(std::vector<std::int16_t>& to, std::span<const std::int16_t> from) {
  to.insert(to.end(), from.begin(), from.end());
}

std::vector<std::int16_t> resample_in_one_go(RatePair pair, std::span<const std::int16_t> input) {
  Resampler resampler(pair.input, pair.output);
  std::vector<std::int16_t> out;
  append(out, resampler.process(input));
  append(out, resampler.flush());
  return out;
}

class ResamplerPairTest : public ::testing::TestWithParam<RatePair> {};

TEST_P(ResamplerPairTest, ChunkedOutputEqualsOneShotOutput) {
  const auto input = noisy_tones(static_cast<std::size_t>(GetParam().input) * 3 / 2, 11);
  const auto expected = resample_in_one_go(GetParam(), input);

  std::mt19937 random(static_cast<unsigned>(GetParam().input + GetParam().output));
  for (const std::size_t max_chunk :
       {std::size_t{1}, std::size_t{37}, std::size_t{960}, std::size_t{5000}}) {
    Resampler resampler(GetParam().input, GetParam().output);
    std::vector<std::int16_t> out;
    std::size_t position = 0;
    while (position < input.size()) {
      const std::size_t size =
          std::min<std::size_t>(random() % (max_chunk + 1), input.size() - position);
      append(out, resampler.process(std::span(input).subspan(position, size)));
      position += size;
    }
    append(out, resampler.flush());
    ASSERT_EQ(out, expected) << "max chunk " << max_chunk;
  }
}

TEST_P(ResamplerPairTest, OutputLengthFollowsTheRateRatio) {
  const auto input = noisy_tones(12345, 3);
  const auto out = resample_in_one_go(GetParam(), input);
  const double ideal = static_cast<double>(input.size()) * GetParam().output / GetParam().input;
  EXPECT_LE(std::abs(static_cast<double>(out.size()) - ideal), 1.0);
}

TEST_P(ResamplerPairTest, FlushReadiesTheResamplerForAFreshStream) {
  const auto first = noisy_tones(4000, 5);
  const auto second = noisy_tones(3000, 6);
  Resampler reused(GetParam().input, GetParam().output);
  reused.process(first);
  reused.flush();
  EXPECT_EQ(reused.buffered(), core::Duration::zero());
  std::vector<std::int16_t> out;
  append(out, reused.process(second));
  append(out, reused.flush());
  EXPECT_EQ(out, resample_in_one_go(GetParam(), second));
}

INSTANTIATE_TEST_SUITE_P(AllRates, ResamplerPairTest, ::testing::ValuesIn(every_pair()));

TEST(Resampler, RejectsRatesOutsideTheSupportedRange) {
  EXPECT_THROW(Resampler(7999, 8000), std::invalid_argument);
  EXPECT_THROW(Resampler(8000, 96000), std::invalid_argument);
  EXPECT_THROW(Resampler(0, 16000), std::invalid_argument);
}

TEST(Resampler, EqualRatesPassSamplesThrough) {
  const auto input = noisy_tones(100, 1);
  Resampler resampler(16000, 16000);
  const auto out = resampler.process(input);
  EXPECT_TRUE(std::equal(out.begin(), out.end(), input.begin(), input.end()));
  EXPECT_TRUE(resampler.flush().empty());
}

TEST(Resampler, OddByteChunksThroughTheStreamDecoderMatchOneShot) {
  const auto samples = noisy_tones(8000, 9);
  std::vector<std::uint8_t> bytes(samples.size() * 2);
  samples_to_pcm16(samples, bytes);
  const auto expected = resample_in_one_go({8000, 16000}, samples);

  std::mt19937 random(21);
  Pcm16StreamDecoder decoder;
  Resampler resampler(8000, 16000);
  std::vector<std::int16_t> out;
  std::size_t position = 0;
  while (position < bytes.size()) {
    const std::size_t size =
        std::min<std::size_t>(1 + 2 * (random() % 200), bytes.size() - position);
    append(out, resampler.process(decoder.decode(std::span(bytes).subspan(position, size))));
    position += size;
  }
  append(out, resampler.flush());
  EXPECT_FALSE(decoder.has_odd_byte());
  EXPECT_EQ(out, expected);
}

// A linear chirp at half full scale, as a function of time in seconds.
struct Sweep {
  double start_hz;
  double end_hz;
  double seconds;
  [[nodiscard]] double at(double t) const {
    const double phase = start_hz * t + (end_hz - start_hz) * t * t / (2 * seconds);
    return 16384.0 * std::sin(2 * std::numbers::pi * phase);
  }
};

struct SnrCase {
  RatePair rates;
  double top_hz;
};

class ResamplerQualityTest : public ::testing::TestWithParam<SnrCase> {};

// soxr trims its linear-phase filter delay from the output, so sample n of the output is
// the input signal at time n / output_rate; the lag search confirms that alignment.
TEST_P(ResamplerQualityTest, PassbandSweepKeepsSnrAbove60Db) {
  const auto [rates, top_hz] = GetParam();
  const Sweep sweep{100.0, top_hz, 2.0};
  std::vector<std::int16_t> input(static_cast<std::size_t>(sweep.seconds * rates.input));
  for (std::size_t i = 0; i < input.size(); ++i) {
    input[i] =
        static_cast<std::int16_t>(std::lround(sweep.at(static_cast<double>(i) / rates.input)));
  }
  const auto out = resample_in_one_go(rates, input);

  // Skip 50 ms at each end, where the sweep starts and stops abruptly.
  const auto edge = static_cast<std::size_t>(rates.output / 20);
  double best_snr = -1e9;
  int best_lag = 0;
  for (int lag = -8; lag <= 8; ++lag) {
    double signal = 0;
    double noise = 0;
    for (std::size_t n = edge; n + edge < out.size(); ++n) {
      const double reference = sweep.at((static_cast<double>(n) - lag) / rates.output);
      signal += reference * reference;
      noise += (out[n] - reference) * (out[n] - reference);
    }
    const double snr = 10 * std::log10(signal / noise);
    if (snr > best_snr) {
      best_snr = snr;
      best_lag = lag;
    }
  }
  EXPECT_EQ(best_lag, 0);
  EXPECT_GT(best_snr, 60.0) << "sweep 100.." << top_hz << " Hz";
}

INSTANTIATE_TEST_SUITE_P(
    TelephonyRates, ResamplerQualityTest,
    ::testing::Values(SnrCase{{8000, 16000}, 3300}, SnrCase{{16000, 8000}, 3300},
                      SnrCase{{8000, 24000}, 3300}, SnrCase{{24000, 8000}, 3300},
                      SnrCase{{16000, 24000}, 6600}, SnrCase{{24000, 16000}, 6600},
                      SnrCase{{48000, 8000}, 3300}, SnrCase{{8000, 48000}, 3300}));

// Streaming latency in 20 ms frames: how far the output lags the input, at worst and on average.
TEST(Resampler, StreamingLatencyStaysLowForTelephonyPairs) {
  for (const RatePair pair :
       {RatePair{8000, 16000}, RatePair{16000, 8000}, RatePair{24000, 8000}, RatePair{8000, 24000},
        RatePair{24000, 16000}, RatePair{48000, 8000}}) {
    Resampler resampler(pair.input, pair.output);
    const auto frame = noisy_tones(static_cast<std::size_t>(pair.input / 50), 4);
    std::size_t produced = 0;
    double worst_ms = 0;
    double total_ms = 0;
    constexpr int kFrames = 150;
    for (int i = 1; i <= kFrames; ++i) {
      produced += resampler.process(frame).size();
      const double expected = static_cast<double>(i) * pair.output / 50.0;
      const double lag_ms = (expected - static_cast<double>(produced)) * 1000.0 / pair.output;
      worst_ms = std::max(worst_ms, lag_ms);
      total_ms += lag_ms;
    }
    std::cout << "[ latency  ] " << pair << " Hz: mean " << total_ms / kFrames << " ms, worst "
              << worst_ms << " ms\n";
    EXPECT_LE(worst_ms, 20.0) << pair;
  }
}

}  // namespace
}  // namespace patter::audio
