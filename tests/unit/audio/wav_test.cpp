#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "audio/wav.hpp"
#include "sox.hpp"

namespace patter::audio {
namespace {

using test::run_sox;
using test::sox_available;

// Assembles WAV files field by field, so tests can build broken ones.
class WavBuilder {
 public:
  WavBuilder& tag(std::string_view id) {
    bytes_.insert(bytes_.end(), id.begin(), id.end());
    return *this;
  }
  WavBuilder& u16(std::uint16_t value) {
    bytes_.push_back(static_cast<std::uint8_t>(value & 0xFF));
    bytes_.push_back(static_cast<std::uint8_t>(value >> 8));
    return *this;
  }
  WavBuilder& u32(std::uint32_t value) {
    u16(static_cast<std::uint16_t>(value & 0xFFFF));
    return u16(static_cast<std::uint16_t>(value >> 16));
  }
  WavBuilder& raw(std::vector<std::uint8_t> data) {
    bytes_.insert(bytes_.end(), data.begin(), data.end());
    return *this;
  }
  WavBuilder& header(std::uint32_t riff_size) { return tag("RIFF").u32(riff_size).tag("WAVE"); }
  WavBuilder& fmt(std::uint16_t format_tag, std::uint16_t channels, std::uint32_t rate,
                  std::uint32_t byte_rate, std::uint16_t block_align, std::uint16_t bits) {
    return tag("fmt ")
        .u32(16)
        .u16(format_tag)
        .u16(channels)
        .u32(rate)
        .u32(byte_rate)
        .u16(block_align)
        .u16(bits);
  }
  WavBuilder& pcm16_fmt(std::uint16_t channels = 1, std::uint32_t rate = 8000) {
    return fmt(1, channels, rate, rate * 2 * channels, static_cast<std::uint16_t>(2 * channels),
               16);
  }
  WavBuilder& data(std::vector<std::uint8_t> body) {
    tag("data").u32(static_cast<std::uint32_t>(body.size()));
    return raw(std::move(body));
  }
  // Fills in the RIFF size from what has been built.
  std::vector<std::uint8_t> build_sized() {
    auto bytes = bytes_;
    const auto size = static_cast<std::uint32_t>(bytes.size() - 8);
    for (int i = 0; i < 4; ++i) bytes[4 + i] = static_cast<std::uint8_t>(size >> (8 * i));
    return bytes;
  }
  std::vector<std::uint8_t> build() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

std::vector<std::int16_t> ramp(std::size_t count) {
  std::vector<std::int16_t> samples(count);
  for (std::size_t i = 0; i < count; ++i) samples[i] = static_cast<std::int16_t>(i * 523 - 30000);
  return samples;
}

struct RoundTripCase {
  Encoding encoding;
  int channels;
  int sample_rate;
  std::size_t samples;
};

class WavRoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(WavRoundTripTest, SerializeThenParseGivesTheSameAudio) {
  const auto [encoding, channels, rate, count] = GetParam();
  const auto audio = WavAudio::from_samples(ramp(count), rate, channels, encoding);
  const auto file = serialize_wav(audio);
  const auto parsed = parse_wav(file);
  EXPECT_EQ(parsed.encoding, encoding);
  EXPECT_EQ(parsed.channels, channels);
  EXPECT_EQ(parsed.sample_rate, rate);
  EXPECT_EQ(parsed.data, audio.data);
  EXPECT_EQ(parsed.frame_count(), count / static_cast<std::size_t>(channels));
  EXPECT_EQ(file.size() % 2, 0U) << "RIFF chunks are padded to even sizes";
}

INSTANTIATE_TEST_SUITE_P(Formats, WavRoundTripTest,
                         ::testing::Values(RoundTripCase{Encoding::pcm16_le, 1, 16000, 800},
                                           RoundTripCase{Encoding::pcm16_le, 2, 48000, 960},
                                           RoundTripCase{Encoding::mulaw, 1, 8000, 161},
                                           RoundTripCase{Encoding::alaw, 2, 8000, 320},
                                           RoundTripCase{Encoding::mulaw, 1, 8000, 0}));

TEST(Wav, FilesRoundTripThroughTheFilesystem) {
  const auto path = test::scratch_path("roundtrip.wav");
  const auto audio = WavAudio::from_samples(ramp(500), 24000);
  write_wav_file(path, audio);
  const auto read = read_wav_file(path);
  std::filesystem::remove(path);
  EXPECT_EQ(read.samples(), ramp(500));
  EXPECT_THROW(read_wav_file(path), WavError);
}

TEST(Wav, SoxReadsWhatWeWrite) {
  if (!sox_available()) GTEST_SKIP() << "sox not found at configure time; install sox to run";
  for (const Encoding encoding : {Encoding::pcm16_le, Encoding::mulaw, Encoding::alaw}) {
    const auto audio = WavAudio::from_samples(ramp(640), 8000, 2, encoding);
    const auto decoded = run_sox(serialize_wav(audio), "-t wav", "-t raw -e signed -b 16 -L");
    ASSERT_TRUE(decoded) << "sox rejected our " << to_string(encoding) << " WAV";
    const auto samples = audio.samples();
    ASSERT_EQ(decoded->size(), samples.size() * 2);
    for (std::size_t i = 0; i < samples.size(); ++i) {
      ASSERT_EQ(static_cast<std::int16_t>((*decoded)[2 * i] | ((*decoded)[2 * i + 1] << 8)),
                samples[i]);
    }
  }
}

TEST(Wav, WeReadWhatSoxWrites) {
  if (!sox_available()) GTEST_SKIP() << "sox not found at configure time; install sox to run";
  const auto samples = ramp(333);
  std::vector<std::uint8_t> raw(samples.size() * 2);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    raw[2 * i] = static_cast<std::uint8_t>(samples[i] & 0xFF);
    raw[2 * i + 1] = static_cast<std::uint8_t>(static_cast<std::uint16_t>(samples[i]) >> 8);
  }
  const char* kRaw = "-t raw -r 8000 -e signed -b 16 -c 1 -L";
  const auto pcm = run_sox(raw, kRaw, "-t wav -e signed -b 16");
  const auto mulaw = run_sox(raw, kRaw, "-t wav -e mu-law");
  ASSERT_TRUE(pcm && mulaw);
  EXPECT_EQ(parse_wav(*pcm).samples(), samples);
  const auto parsed = parse_wav(*mulaw);
  EXPECT_EQ(parsed.encoding, Encoding::mulaw);
  EXPECT_EQ(parsed.data, WavAudio::from_samples(samples, 8000, 1, Encoding::mulaw).data);
}

TEST(Wav, SkipsUnknownChunksWithTheirPadByte) {
  const auto file = WavBuilder()
                        .header(0)
                        .tag("LIST")
                        .u32(3)
                        .raw({'a', 'b', 'c', 0})
                        .pcm16_fmt()
                        .tag("junk")
                        .u32(0)
                        .data({1, 0, 2, 0})
                        .build_sized();
  const auto audio = parse_wav(file);
  EXPECT_EQ(audio.samples(), (std::vector<std::int16_t>{1, 2}));
}

TEST(Wav, ReadsWaveFormatExtensible) {
  const std::vector<std::uint8_t> mulaw_guid = {0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
                                                0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
  const auto file = WavBuilder()
                        .header(0)
                        .tag("fmt ")
                        .u32(40)
                        .u16(0xFFFE)
                        .u16(1)
                        .u32(8000)
                        .u32(8000)
                        .u16(1)
                        .u16(8)
                        .u16(22)
                        .u16(8)
                        .u32(4)
                        .raw(mulaw_guid)
                        .data({0xFF, 0x00, 0x80})
                        .build_sized();
  const auto audio = parse_wav(file);
  EXPECT_EQ(audio.encoding, Encoding::mulaw);
  EXPECT_EQ(audio.samples(), (std::vector<std::int16_t>{0, -32124, 32124}));
}

TEST(Wav, StreamingSizesMeanUpToTheEndOfTheFile) {
  auto file = WavBuilder()
                  .header(0xFFFFFFFF)
                  .pcm16_fmt()
                  .tag("data")
                  .u32(0xFFFFFFFF)
                  .raw({1, 0, 2, 0, 3})
                  .build();
  const auto audio = parse_wav(file);
  EXPECT_EQ(audio.samples(), (std::vector<std::int16_t>{1, 2}));
}

struct MalformedCase {
  const char* name;
  std::vector<std::uint8_t> file;
  const char* message;
};

std::ostream& operator<<(std::ostream& out, const MalformedCase& c) {
  return out << c.name;
}

std::vector<MalformedCase> malformed_cases() {
  const std::vector<std::uint8_t> two_samples = {1, 0, 2, 0};
  auto bad_guid = WavBuilder()
                      .header(0)
                      .tag("fmt ")
                      .u32(40)
                      .u16(0xFFFE)
                      .u16(1)
                      .u32(8000)
                      .u32(16000)
                      .u16(2)
                      .u16(16)
                      .u16(22)
                      .u16(16)
                      .u32(4);
  bad_guid.raw(std::vector<std::uint8_t>(16, 0x11)).data(two_samples);
  return {
      {"Empty", {}, "shorter than the 12-byte RIFF header"},
      {"TruncatedHeader", WavBuilder().tag("RIFF").u32(100).build(), "shorter than the 12-byte"},
      {"NotRiff", WavBuilder().tag("RIFY").u32(4).tag("WAVE").build(), "missing RIFF signature"},
      {"BigEndianRifx", WavBuilder().tag("RIFX").u32(4).tag("WAVE").build(), "RIFX"},
      {"NotWave", WavBuilder().tag("RIFF").u32(4).tag("AVI ").build(), "not WAVE"},
      {"RiffSizeBeyondFile", WavBuilder().header(1000).pcm16_fmt().data(two_samples).build(),
       "exceeds the"},
      {"RiffSizeTooSmall", WavBuilder().header(2).build(), "too small"},
      {"NoFmt", WavBuilder().header(0).data(two_samples).build_sized(), "before the fmt chunk"},
      {"NoData", WavBuilder().header(0).pcm16_fmt().build_sized(), "no data chunk"},
      {"NoChunksAtAll", WavBuilder().header(4).build(), "no fmt chunk"},
      {"DataSizeBeyondFile",
       WavBuilder().header(0).pcm16_fmt().tag("data").u32(400).raw(two_samples).build_sized(),
       "declares 400 bytes but only 4 remain"},
      {"ChunkSizeBeyondFile", WavBuilder().header(0).tag("LIST").u32(99).raw({1, 2}).build_sized(),
       "'LIST' chunk declares 99 bytes"},
      {"ShortFmt", WavBuilder().header(0).tag("fmt ").u32(8).u16(1).u16(1).u32(8000).build_sized(),
       "at least 16 needed"},
      {"DataNotWholeFrames", WavBuilder().header(0).pcm16_fmt(2).data({1, 0, 2}).build_sized(),
       "not a multiple of the block align 4"},
      {"FloatFormat",
       WavBuilder().header(0).fmt(3, 1, 8000, 32000, 4, 32).data(two_samples).build_sized(),
       "unsupported format tag 3"},
      {"Pcm24", WavBuilder().header(0).fmt(1, 1, 8000, 24000, 3, 24).data({1, 2, 3}).build_sized(),
       "unsupported PCM bit depth 24"},
      {"Mulaw16Bit",
       WavBuilder().header(0).fmt(7, 1, 8000, 16000, 2, 16).data(two_samples).build_sized(),
       "8 bits per sample"},
      {"ThreeChannels",
       WavBuilder().header(0).fmt(1, 3, 8000, 48000, 6, 16).data(two_samples).build_sized(),
       "unsupported channel count 3"},
      {"ZeroRate", WavBuilder().header(0).fmt(1, 1, 0, 0, 2, 16).data(two_samples).build_sized(),
       "sample rate 0 Hz"},
      {"BlockAlignMismatch",
       WavBuilder().header(0).fmt(1, 1, 8000, 16000, 4, 16).data(two_samples).build_sized(),
       "block align 4 does not match"},
      {"ByteRateMismatch",
       WavBuilder().header(0).fmt(1, 1, 8000, 8000, 2, 16).data(two_samples).build_sized(),
       "byte rate 8000 does not match"},
      {"DuplicateFmt",
       WavBuilder().header(0).pcm16_fmt().pcm16_fmt().data(two_samples).build_sized(),
       "more than one fmt chunk"},
      {"ShortExtensible",
       WavBuilder()
           .header(0)
           .tag("fmt ")
           .u32(16)
           .u16(0xFFFE)
           .u16(1)
           .u32(8000)
           .u32(16000)
           .u16(2)
           .u16(16)
           .data(two_samples)
           .build_sized(),
       "at least 40 needed"},
      {"UnknownExtensibleGuid", bad_guid.build_sized(), "not a standard audio sub-format"},
  };
}

class MalformedWavTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedWavTest, IsRejectedWithAClearError) {
  try {
    parse_wav(GetParam().file);
    FAIL() << "parsed a malformed file";
  } catch (const WavError& error) {
    EXPECT_NE(std::string(error.what()).find(GetParam().message), std::string::npos)
        << error.what();
    EXPECT_EQ(std::string(error.what()).rfind("WAV: ", 0), 0U);
  }
}

INSTANTIATE_TEST_SUITE_P(Files, MalformedWavTest, ::testing::ValuesIn(malformed_cases()),
                         [](const auto& test_case) { return std::string(test_case.param.name); });

// Every prefix and many corrupted copies of a valid file either parse or throw WavError:
// nothing else escapes and nothing reads out of bounds (checked under ASan).
TEST(Wav, TruncatedAndCorruptedFilesNeverCrash) {
  const auto file = serialize_wav(WavAudio::from_samples(ramp(40), 8000, 2, Encoding::alaw));
  for (std::size_t length = 0; length <= file.size(); ++length) {
    try {
      parse_wav(std::span(file).first(length));
    } catch (const WavError&) {
    }
  }
  std::mt19937 random(17);
  int rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    auto corrupted = file;
    for (int flips = 0; flips < 3; ++flips) {
      corrupted[random() % 60] = static_cast<std::uint8_t>(random());
    }
    try {
      parse_wav(corrupted);
    } catch (const WavError&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 0);
}

TEST(Wav, SerializeRejectsAudioItCannotStore) {
  EXPECT_THROW(serialize_wav(WavAudio{Encoding::pcm16_be, 8000, 1, {}}), std::invalid_argument);
  EXPECT_THROW(serialize_wav(WavAudio{Encoding::pcm16_le, 8000, 3, {}}), std::invalid_argument);
  EXPECT_THROW(serialize_wav(WavAudio{Encoding::pcm16_le, 8000, 2, {1, 2}}), std::invalid_argument);
  EXPECT_THROW(serialize_wav(WavAudio{Encoding::mulaw, 0, 1, {}}), std::invalid_argument);
}

}  // namespace
}  // namespace patter::audio
