#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "audio/alaw.hpp"
#include "audio/mulaw.hpp"
#include "sox.hpp"

namespace patter::audio {
namespace {

using test::run_sox;
using test::sox_available;

constexpr const char* kPcm16Raw = "-t raw -r 8000 -e signed -b 16 -c 1 -L";

std::vector<std::uint8_t> every_pcm16_value_le() {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(65536 * 2);
  for (int value = -32768; value <= 32767; ++value) {
    const auto bits = static_cast<std::uint16_t>(value);
    bytes.push_back(static_cast<std::uint8_t>(bits & 0xFF));
    bytes.push_back(static_cast<std::uint8_t>(bits >> 8));
  }
  return bytes;
}

std::vector<std::uint8_t> every_code() {
  std::vector<std::uint8_t> codes(256);
  for (unsigned code = 0; code < 256; ++code) codes[code] = static_cast<std::uint8_t>(code);
  return codes;
}

std::int16_t le_sample(const std::vector<std::uint8_t>& bytes, std::size_t index) {
  return static_cast<std::int16_t>(bytes[2 * index] | (bytes[2 * index + 1] << 8));
}

template <typename Encode>
void expect_encoder_matches_sox(const char* sox_encoding, Encode encode) {
  if (!sox_available()) GTEST_SKIP() << "sox not found at configure time; install sox to run";
  const auto encoded = run_sox(every_pcm16_value_le(), kPcm16Raw,
                               std::string("-t raw -e ") + sox_encoding + " -b 8");
  ASSERT_TRUE(encoded) << "sox failed";
  ASSERT_EQ(encoded->size(), 65536U);
  int mismatches = 0;
  for (int value = -32768; value <= 32767; ++value) {
    const auto expected = (*encoded)[static_cast<std::size_t>(value + 32768)];
    const auto actual = encode(static_cast<std::int16_t>(value));
    if (actual != expected && ++mismatches <= 5) {
      ADD_FAILURE() << sox_encoding << " of " << value << ": ours " << int{actual} << ", sox "
                    << int{expected};
    }
  }
  EXPECT_EQ(mismatches, 0);
}

template <typename Decode>
void expect_decoder_matches_sox(const char* sox_encoding, Decode decode) {
  if (!sox_available()) GTEST_SKIP() << "sox not found at configure time; install sox to run";
  const auto decoded =
      run_sox(every_code(), std::string("-t raw -r 8000 -c 1 -b 8 -e ") + sox_encoding,
              "-t raw -e signed -b 16 -L");
  ASSERT_TRUE(decoded) << "sox failed";
  ASSERT_EQ(decoded->size(), 512U);
  for (unsigned code = 0; code < 256; ++code) {
    EXPECT_EQ(decode(static_cast<std::uint8_t>(code)), le_sample(*decoded, code))
        << "code " << code;
  }
}

TEST(Mulaw, EncodesEveryPcm16ValueExactlyAsSox) {
  expect_encoder_matches_sox("mu-law", [](std::int16_t s) { return mulaw_encode(s); });
}

TEST(Alaw, EncodesEveryPcm16ValueExactlyAsSox) {
  expect_encoder_matches_sox("a-law", [](std::int16_t s) { return alaw_encode(s); });
}

TEST(Mulaw, DecodesAll256CodesExactlyAsSox) {
  expect_decoder_matches_sox("mu-law", [](std::uint8_t c) { return mulaw_decode(c); });
}

TEST(Alaw, DecodesAll256CodesExactlyAsSox) {
  expect_decoder_matches_sox("a-law", [](std::uint8_t c) { return alaw_decode(c); });
}

struct KnownCode {
  std::uint8_t code;
  std::int16_t value;
};

TEST(Mulaw, DecodesG711TableValues) {
  const KnownCode table[] = {{0xFF, 0},      {0x7F, 0},     {0xFE, 8},   {0x7E, -8},
                             {0xF0, 120},    {0xEF, 132},   {0xE0, 372}, {0x80, 32124},
                             {0x00, -32124}, {0x8F, 16764}, {0x9F, 8316}};
  for (const auto& [code, value] : table) EXPECT_EQ(mulaw_decode(code), value) << int{code};
}

TEST(Alaw, DecodesG711TableValues) {
  const KnownCode table[] = {{0xD5, 8},   {0x55, -8},    {0xD4, 24},     {0xC5, 264},
                             {0xF5, 528}, {0xAA, 32256}, {0x2A, -32256}, {0x80, 5504}};
  for (const auto& [code, value] : table) EXPECT_EQ(alaw_decode(code), value) << int{code};
}

TEST(G711, SilenceEncodesToTheCarrierSilenceBytes) {
  EXPECT_EQ(mulaw_encode(0), 0xFF);
  EXPECT_EQ(alaw_encode(0), 0xD5);
}

TEST(G711, EveryCodeSurvivesDecodeThenEncode) {
  for (unsigned code = 0; code < 256; ++code) {
    const auto byte = static_cast<std::uint8_t>(code);
    // 0x7F is μ-law's "negative zero": it decodes to 0, which encodes as 0xFF.
    if (byte != 0x7F) {
      EXPECT_EQ(mulaw_encode(mulaw_decode(byte)), byte) << code;
    }
    EXPECT_EQ(alaw_encode(alaw_decode(byte)), byte) << code;
  }
}

TEST(G711, QuantisationIsMonotonicAcrossTheWholeRange) {
  int previous_mulaw = mulaw_decode(mulaw_encode(-32768));
  int previous_alaw = alaw_decode(alaw_encode(-32768));
  for (int value = -32767; value <= 32767; ++value) {
    const int mulaw = mulaw_decode(mulaw_encode(static_cast<std::int16_t>(value)));
    const int alaw = alaw_decode(alaw_encode(static_cast<std::int16_t>(value)));
    ASSERT_GE(mulaw, previous_mulaw) << value;
    ASSERT_GE(alaw, previous_alaw) << value;
    previous_mulaw = mulaw;
    previous_alaw = alaw;
  }
}

TEST(G711, BufferFormsMatchTheSampleForms) {
  std::vector<std::int16_t> samples;
  for (int value = -32768; value <= 32767; value += 7)
    samples.push_back(static_cast<std::int16_t>(value));
  std::vector<std::uint8_t> mulaw(samples.size());
  std::vector<std::uint8_t> alaw(samples.size());
  mulaw_encode(samples, mulaw);
  alaw_encode(samples, alaw);
  std::vector<std::int16_t> mulaw_back(samples.size());
  std::vector<std::int16_t> alaw_back(samples.size());
  mulaw_decode(mulaw, mulaw_back);
  alaw_decode(alaw, alaw_back);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    ASSERT_EQ(mulaw[i], mulaw_encode(samples[i]));
    ASSERT_EQ(alaw[i], alaw_encode(samples[i]));
    ASSERT_EQ(mulaw_back[i], mulaw_decode(mulaw[i]));
    ASSERT_EQ(alaw_back[i], alaw_decode(alaw[i]));
  }
}

TEST(G711, ShortOutputBufferIsRejected) {
  const std::vector<std::int16_t> samples(10);
  std::vector<std::uint8_t> bytes(9);
  EXPECT_THROW(mulaw_encode(samples, bytes), std::length_error);
  EXPECT_THROW(alaw_encode(samples, bytes), std::length_error);
  std::vector<std::int16_t> decoded(8);
  EXPECT_THROW(mulaw_decode(bytes, decoded), std::length_error);
  EXPECT_THROW(alaw_decode(bytes, decoded), std::length_error);
}

}  // namespace
}  // namespace patter::audio
