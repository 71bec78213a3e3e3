#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "audio/codec.hpp"
#include "audio/mulaw.hpp"
#include "audio/pcm16.hpp"

namespace patter::audio {
namespace {

TEST(Pcm16, ConvertsBothByteOrders) {
  const std::vector<std::int16_t> samples = {0x0102, -2, 32767, -32768};
  std::vector<std::uint8_t> little(8);
  std::vector<std::uint8_t> big(8);
  samples_to_pcm16(samples, little, ByteOrder::little);
  samples_to_pcm16(samples, big, ByteOrder::big);
  EXPECT_EQ(little, (std::vector<std::uint8_t>{0x02, 0x01, 0xFE, 0xFF, 0xFF, 0x7F, 0x00, 0x80}));
  EXPECT_EQ(big, (std::vector<std::uint8_t>{0x01, 0x02, 0xFF, 0xFE, 0x7F, 0xFF, 0x80, 0x00}));
  std::vector<std::int16_t> back(4);
  pcm16_to_samples(big, back, ByteOrder::big);
  EXPECT_EQ(back, samples);
  pcm16_to_samples(little, back, ByteOrder::little);
  EXPECT_EQ(back, samples);
}

TEST(Pcm16, RejectsOddByteCountsAndShortOutputs) {
  const std::vector<std::uint8_t> odd(3);
  std::vector<std::int16_t> out(4);
  EXPECT_THROW(pcm16_to_samples(odd, out), std::invalid_argument);
  const std::vector<std::uint8_t> even(10);
  EXPECT_THROW(pcm16_to_samples(even, out), std::length_error);
  std::vector<std::uint8_t> seven_bytes(7);
  EXPECT_THROW(samples_to_pcm16(out, seven_bytes), std::length_error);
}

class Pcm16StreamDecoderTest : public ::testing::TestWithParam<ByteOrder> {};

TEST_P(Pcm16StreamDecoderTest, CarriesOddBytesAcrossChunksOfAnySize) {
  std::mt19937 random(7);
  std::vector<std::int16_t> samples(5000);
  for (auto& sample : samples) sample = static_cast<std::int16_t>(random());
  std::vector<std::uint8_t> bytes(samples.size() * 2);
  samples_to_pcm16(samples, bytes, GetParam());

  for (const std::size_t max_chunk :
       {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{641}}) {
    Pcm16StreamDecoder decoder(GetParam());
    std::vector<std::int16_t> decoded;
    std::size_t position = 0;
    while (position < bytes.size()) {
      const std::size_t size =
          std::min<std::size_t>(random() % (max_chunk + 1), bytes.size() - position);
      const auto out = decoder.decode(std::span(bytes).subspan(position, size));
      decoded.insert(decoded.end(), out.begin(), out.end());
      position += size;
      EXPECT_EQ(decoder.has_odd_byte(), position % 2 == 1);
    }
    EXPECT_EQ(decoded, samples) << "max chunk " << max_chunk;
  }
}

INSTANTIATE_TEST_SUITE_P(ByteOrders, Pcm16StreamDecoderTest,
                         ::testing::Values(ByteOrder::little, ByteOrder::big));

TEST(Pcm16StreamDecoder, ResetForgetsTheCarriedByte) {
  Pcm16StreamDecoder decoder;
  const std::vector<std::uint8_t> three = {0x01, 0x00, 0x7F};
  EXPECT_EQ(decoder.decode(three).size(), 1U);
  EXPECT_TRUE(decoder.has_odd_byte());
  decoder.reset();
  const std::vector<std::uint8_t> two = {0x05, 0x00};
  const auto out = decoder.decode(two);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0], 5);
  EXPECT_TRUE(decoder.decode({}).empty());
}

TEST(Codec, DispatchesOnEncoding) {
  const std::vector<std::int16_t> samples = {0, 1000, -1000, 32767};
  for (const Encoding encoding :
       {Encoding::pcm16_le, Encoding::pcm16_be, Encoding::mulaw, Encoding::alaw}) {
    std::vector<std::uint8_t> bytes(samples.size() * bytes_per_sample(encoding));
    EXPECT_EQ(encode_samples(encoding, samples, bytes), bytes.size()) << to_string(encoding);
    std::vector<std::int16_t> back(samples.size());
    EXPECT_EQ(decode_samples(encoding, bytes, back), samples.size());
    if (bytes_per_sample(encoding) == 2) {
      EXPECT_EQ(back, samples);
    }
  }
  std::vector<std::uint8_t> mulaw(1);
  encode_samples(Encoding::mulaw, std::span(samples).first(1), mulaw);
  EXPECT_EQ(mulaw[0], silence_byte(Encoding::mulaw));
}

}  // namespace
}  // namespace patter::audio
