#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "load_run.hpp"

namespace patter::load {
namespace {

using namespace std::chrono_literals;

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

// Fifty callers against a real `patter serve` process (Deepgram, OpenAI-compatible and
// ElevenLabs clients talking to the loopback fakes), held for ten seconds of turns. Only
// correctness is asserted: the timing figures depend on the machine.
TEST(LoadSmoke, FiftyCallsTalkInTurnsAndEveryStoredTranscriptMatches) {
  LoadOptions options;
  options.calls = 50;
  options.ramp = 3s;
  options.hold = 10s;
  options.patter = PATTER_BINARY;
  options.work_dir = std::filesystem::temp_directory_path() / ("patter_load_smoke_" + std::to_string(::getpid()));
  options.server_threads = 2;
  options.verify_transcripts = true;
  // A caller speaks again after this much quiet following the reply. On a starved machine (a
  // debug build beside other jobs) the server can fall 400 ms behind between a reply's two
  // sentences; a caller that took that for the end of the reply would talk over its second half.
  options.quiet = 1500ms;

  const auto report = run_load_point(options);
  std::filesystem::remove_all(options.work_dir);

  EXPECT_TRUE(report.errors.empty()) << joined(report.errors);
  EXPECT_EQ(report.calls_connected, 50u);
  EXPECT_EQ(report.calls_completed, 50u);
  // Every caller heard the greeting, then said something and heard the whole reply at least once.
  EXPECT_GE(report.turns, 50u);
  EXPECT_EQ(report.transcripts_checked, 50u);
  EXPECT_EQ(report.transcript_mismatches, 0u);
  EXPECT_GT(report.frames, 0u);
  // The server's own instrumentation saw every stage during the window.
  ASSERT_EQ(report.stages.size(), 3u);
  for (const auto& stage : report.stages) EXPECT_GT(stage.spread.count, 0u) << stage.name;
}

}  // namespace
}  // namespace patter::load
