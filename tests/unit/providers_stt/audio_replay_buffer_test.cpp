#include "providers/stt/audio_replay_buffer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace patter::providers {
namespace {

std::vector<std::uint8_t> bytes(std::string_view text) {
  return {text.begin(), text.end()};
}

TEST(AudioReplayBuffer, KeepsWhatWasNotAcknowledged) {
  AudioReplayBuffer buffer(100);
  EXPECT_EQ(buffer.append(bytes("abcdef")), 0U);
  EXPECT_EQ(buffer.append(bytes("ghij")), 0U);
  buffer.acknowledge(4);
  EXPECT_EQ(buffer.begin_offset(), 4U);
  EXPECT_EQ(buffer.end_offset(), 10U);
  EXPECT_EQ(buffer.slice(4, 100), "efghij");
  EXPECT_EQ(buffer.slice(6, 2), "gh");
}

TEST(AudioReplayBuffer, DropsTheOldestWhenFull) {
  AudioReplayBuffer buffer(4);
  EXPECT_EQ(buffer.append(bytes("abc")), 0U);
  EXPECT_EQ(buffer.append(bytes("de")), 1U);
  EXPECT_EQ(buffer.slice(0, 10), "bcde");
  EXPECT_EQ(buffer.begin_offset(), 1U);
  EXPECT_EQ(buffer.append(bytes("fghijk")), 6U);
  EXPECT_EQ(buffer.slice(0, 10), "hijk");
  EXPECT_EQ(buffer.begin_offset(), 7U);
  EXPECT_EQ(buffer.end_offset(), 11U);
}

TEST(AudioReplayBuffer, AcknowledgementsAreClampedAndNeverGoBack) {
  AudioReplayBuffer buffer(10);
  buffer.append(bytes("abcd"));
  buffer.acknowledge(99);
  EXPECT_EQ(buffer.size(), 0U);
  EXPECT_EQ(buffer.begin_offset(), 4U);
  buffer.append(bytes("ef"));
  buffer.acknowledge(2);
  EXPECT_EQ(buffer.slice(0, 10), "ef");
}

}  // namespace
}  // namespace patter::providers
