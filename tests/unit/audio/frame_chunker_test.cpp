#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "audio/frame_chunker.hpp"

namespace patter::audio {
namespace {

using namespace std::chrono_literals;

struct Collected {
  std::vector<Frame> frames;
  FrameChunker::Sink sink() {
    return [this](const FrameView& frame) { frames.push_back(Frame::copy_of(frame)); };
  }
  [[nodiscard]] std::vector<std::uint8_t> joined() const {
    std::vector<std::uint8_t> bytes;
    for (const auto& frame : frames)
      bytes.insert(bytes.end(), frame.bytes.begin(), frame.bytes.end());
    return bytes;
  }
};

std::vector<std::uint8_t> counting_bytes(std::size_t count) {
  std::vector<std::uint8_t> bytes(count);
  for (std::size_t i = 0; i < count; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  return bytes;
}

TEST(FrameChunker, CutsMulawInto20MsFramesFromOneBytePushes) {
  Collected collected;
  FrameChunker chunker(kTelephonyMulaw, 20ms, collected.sink());
  EXPECT_EQ(chunker.frame_bytes(), 160U);
  const auto input = counting_bytes(160 * 3 + 17);
  for (const std::uint8_t byte : input) chunker.push(std::span(&byte, 1));

  ASSERT_EQ(collected.frames.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(collected.frames[i].bytes.size(), 160U);
    EXPECT_EQ(collected.frames[i].timestamp, 20ms * static_cast<int>(i));
    EXPECT_EQ(collected.frames[i].duration(), 20ms);
    EXPECT_EQ(collected.frames[i].format, kTelephonyMulaw);
  }
  EXPECT_EQ(chunker.pending_bytes(), 17U);
  EXPECT_EQ(collected.joined(), std::vector<std::uint8_t>(input.begin(), input.end() - 17));
}

TEST(FrameChunker, RandomChunksOfPcm16IncludingOddAndEmptyOnesLoseNothing) {
  const AudioFormat format{Encoding::pcm16_le, 16000};
  const auto input = counting_bytes(640 * 25 + 333);
  std::mt19937 random(3);
  for (int round = 0; round < 20; ++round) {
    Collected collected;
    FrameChunker chunker(format, 20ms, collected.sink());
    std::size_t position = 0;
    while (position < input.size()) {
      const std::size_t size = std::min<std::size_t>(random() % 1500, input.size() - position);
      chunker.push(std::span(input).subspan(position, size));
      position += size;
      ASSERT_EQ(chunker.pending_bytes(), position % 640);
    }
    ASSERT_EQ(collected.frames.size(), 25U);
    for (std::size_t i = 0; i < collected.frames.size(); ++i) {
      EXPECT_EQ(collected.frames[i].sample_count(), 320U);
      EXPECT_EQ(collected.frames[i].timestamp, 20ms * static_cast<int>(i));
    }
    EXPECT_TRUE(chunker.flush());
    ASSERT_EQ(collected.frames.size(), 26U);
    // 333 bytes: 166 whole samples, the odd byte is dropped.
    EXPECT_EQ(collected.frames.back().bytes.size(), 332U);
    EXPECT_EQ(collected.frames.back().timestamp, 500ms);
    EXPECT_EQ(collected.joined(), std::vector<std::uint8_t>(input.begin(), input.end() - 1));
  }
}

TEST(FrameChunker, EmptyPushesEmitNothing) {
  Collected collected;
  FrameChunker chunker(kTelephonyMulaw, 20ms, collected.sink());
  chunker.push({});
  chunker.push({});
  EXPECT_TRUE(collected.frames.empty());
  EXPECT_EQ(chunker.pending_bytes(), 0U);
  EXPECT_FALSE(chunker.flush());
}

TEST(FrameChunker, WholeFramesInAChunkAreNotCopied) {
  const auto input = counting_bytes(320);
  std::vector<const std::uint8_t*> seen;
  FrameChunker chunker(kTelephonyMulaw, 20ms,
                       [&](const FrameView& frame) { seen.push_back(frame.bytes.data()); });
  chunker.push(input);
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0], input.data());
  EXPECT_EQ(seen[1], input.data() + 160);
}

struct PaddingCase {
  AudioFormat format;
  std::uint8_t silence;
};

class FrameChunkerPaddingTest : public ::testing::TestWithParam<PaddingCase> {};

TEST_P(FrameChunkerPaddingTest, FlushPadsTheTailWithTheEncodingsSilence) {
  const auto [format, silence] = GetParam();
  Collected collected;
  FrameChunker chunker(format, 20ms, collected.sink());
  const std::vector<std::uint8_t> tail(11, 0x42);
  chunker.push(tail);
  EXPECT_TRUE(chunker.flush(FrameChunker::Tail::pad_with_silence));
  ASSERT_EQ(collected.frames.size(), 1U);
  const auto& bytes = collected.frames[0].bytes;
  ASSERT_EQ(bytes.size(), chunker.frame_bytes());
  const std::size_t kept = 11 - 11 % format.bytes_per_sample();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    EXPECT_EQ(bytes[i], i < kept ? 0x42 : silence) << i;
  }
  EXPECT_EQ(chunker.pending_bytes(), 0U);
}

INSTANTIATE_TEST_SUITE_P(Encodings, FrameChunkerPaddingTest,
                         ::testing::Values(PaddingCase{kTelephonyMulaw, 0xFF},
                                           PaddingCase{kTelephonyAlaw, 0xD5},
                                           PaddingCase{{Encoding::pcm16_le, 8000}, 0x00},
                                           PaddingCase{{Encoding::pcm16_be, 16000}, 0x00}));

TEST(FrameChunker, FlushOfALoneOddByteEmitsNothing) {
  Collected collected;
  FrameChunker chunker({Encoding::pcm16_be, 8000}, 20ms, collected.sink());
  const std::uint8_t byte = 1;
  chunker.push(std::span(&byte, 1));
  EXPECT_FALSE(chunker.flush());
  EXPECT_TRUE(collected.frames.empty());
  EXPECT_EQ(chunker.pending_bytes(), 0U);
}

TEST(FrameChunker, ResetDropsTheRemainderAndKeepsTheTimeline) {
  Collected collected;
  FrameChunker chunker(kTelephonyMulaw, 20ms, collected.sink());
  chunker.push(counting_bytes(250));
  chunker.reset();
  EXPECT_EQ(chunker.pending_bytes(), 0U);
  chunker.push(std::vector<std::uint8_t>(160, 9));
  ASSERT_EQ(collected.frames.size(), 2U);
  EXPECT_EQ(collected.frames[1].timestamp, 20ms);
  EXPECT_EQ(collected.frames[1].bytes, std::vector<std::uint8_t>(160, 9));
}

TEST(FrameChunker, RejectsFramesShorterThanOneSample) {
  EXPECT_THROW(FrameChunker(kTelephonyMulaw, 100us, [](const FrameView&) {}),
               std::invalid_argument);
}

}  // namespace
}  // namespace patter::audio
