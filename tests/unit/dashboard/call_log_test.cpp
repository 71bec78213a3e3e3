#include "dashboard/call_log.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "store_test_support.hpp"

namespace patter::dashboard {
namespace {

using namespace testing;

constexpr UnixMs kBeforeMidnight = 1'778'630'340'000;  // 2026-05-12T23:59:00Z

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

CallRecord sample_call() {
  CallRecord call;
  call.call_id = "CA/42";
  call.caller = "+15550001111";
  call.callee = "+15559990000";
  call.direction = "inbound";
  call.telephony_provider = "twilio";
  call.provider_mode = "pipeline";
  call.agent_json = R"({"provider":"openai","model":"gpt-4o-mini"})";
  call.status = "in-progress";
  call.started_at = kBeforeMidnight;
  return call;
}

TEST(PhoneRedactionTest, ParsesTheThreeModes) {
  EXPECT_EQ(parse_phone_redaction("mask"), PhoneRedaction::mask);
  EXPECT_EQ(parse_phone_redaction("full"), PhoneRedaction::full);
  EXPECT_EQ(parse_phone_redaction("hash_only"), PhoneRedaction::hash_only);
  EXPECT_EQ(parse_phone_redaction("MASK"), std::nullopt);
}

TEST(PhoneRedactionTest, MasksHashesOrKeepsNumbers) {
  EXPECT_EQ(redact_phone("+15550001111", PhoneRedaction::mask), "***1111");
  EXPECT_EQ(redact_phone("+15550001111", PhoneRedaction::full), "+15550001111");
  EXPECT_EQ(redact_phone("+15550001111", PhoneRedaction::hash_only), "sha256:7a8e1bad42416f9a");
  EXPECT_EQ(redact_phone("", PhoneRedaction::hash_only), "");
}

TEST(LogRootTest, ResolvesExplicitAutoAndDisabled) {
  EXPECT_EQ(resolve_log_root("", "/xdg", "/home/u"), std::nullopt);
  EXPECT_EQ(resolve_log_root("/var/log/patter", "/xdg", "/home/u"),
            std::filesystem::path("/var/log/patter"));
  EXPECT_EQ(resolve_log_root("auto", "/xdg", "/home/u"), std::filesystem::path("/xdg/patter"));
  EXPECT_EQ(resolve_log_root("auto", "", "/home/u"),
            std::filesystem::path("/home/u/.local/share/patter"));
  EXPECT_EQ(resolve_log_root("auto", "", ""), std::nullopt);
}

TEST(CallLogTest, FolderUsesStartDateAndSafeShortName) {
  TempDir dir;
  const CallLog log(dir.path(), PhoneRedaction::mask);
  auto call = sample_call();
  EXPECT_EQ(log.call_dir(call), dir.path() / "calls/2026/05/12/CA_42");
  call.call_id = std::string(100, 'x');
  EXPECT_EQ(log.call_dir(call).filename().string().size(), CallLog::kMaxFolderNameLength);
  call.call_id = "..";
  EXPECT_EQ(log.call_dir(call).filename(), "_..");
}

TEST(CallLogTest, MetadataIsRedactedAndRewrittenInPlaceAcrossMidnight) {
  TempDir dir;
  const CallLog log(dir.path(), PhoneRedaction::mask);
  auto call = sample_call();
  log.write_metadata(call);
  const auto metadata_path = log.call_dir(call) / "metadata.json";
  auto metadata = boost::json::parse(read_file(metadata_path));
  EXPECT_EQ(metadata.at("status"), "in_progress");
  EXPECT_EQ(metadata.at("ended_at"), nullptr);
  EXPECT_EQ(metadata.at("caller"), "***1111");

  call.status = "completed";
  call.ended_at = kBeforeMidnight + 120'000;  // past midnight UTC
  call.duration_seconds = 120.0;
  call.turns_count = 3;
  call.cost.total = 0.0421;
  call.latency.p95 = 910.5;
  log.write_metadata(call);

  metadata = boost::json::parse(read_file(metadata_path));
  EXPECT_EQ(metadata.at("schema_version"), "1.0");
  EXPECT_EQ(metadata.at("call_id"), "CA/42");
  EXPECT_EQ(metadata.at("trace_id"), nullptr);
  EXPECT_EQ(metadata.at("status"), "completed");
  EXPECT_EQ(metadata.at("started_at"), "2026-05-12T23:59:00.000Z");
  EXPECT_EQ(metadata.at("ended_at"), "2026-05-13T00:01:00.000Z");
  EXPECT_EQ(metadata.at("duration_ms"), 120000);
  EXPECT_EQ(metadata.at("callee"), "***0000");
  EXPECT_EQ(metadata.at("agent").at("model"), "gpt-4o-mini");
  EXPECT_EQ(metadata.at("turns"), 3);
  EXPECT_EQ(metadata.at("cost").at("total"), 0.0421);
  EXPECT_EQ(metadata.at("latency").at("p95_ms"), 910.5);
  EXPECT_EQ(metadata.at("error"), nullptr);
  // One folder, no temporary file left behind.
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    if (entry.is_regular_file()) files.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(files, std::vector<std::string>{"metadata.json"});
}

TEST(CallLogTest, HashOnlyModeAndErrorText) {
  TempDir dir;
  const CallLog log(dir.path(), PhoneRedaction::hash_only);
  const auto call = sample_call();
  log.write_metadata(call, "carrier hung up");
  const auto metadata = boost::json::parse(read_file(log.call_dir(call) / "metadata.json"));
  EXPECT_EQ(metadata.at("caller"), "sha256:7a8e1bad42416f9a");
  EXPECT_EQ(metadata.at("error"), "carrier hung up");
}

TEST(CallLogTest, TranscriptHasOneUnredactedLinePerTurn) {
  TempDir dir;
  const CallLog log(dir.path(), PhoneRedaction::mask);
  const auto call = sample_call();
  log.append_turn(
      call, make_turn(0, "My number is +15550001111", "Thanks", 700.0, kBeforeMidnight + 5000));
  log.append_turn(call,
                  make_turn(1, "Bye", "Goodbye[interrupted]", 650.0, kBeforeMidnight + 90'000));
  const auto lines = read_lines(log.call_dir(call) / "transcript.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  const auto first = boost::json::parse(lines[0]);
  EXPECT_EQ(first.at("schema_version"), "1.0");
  EXPECT_EQ(first.at("ts"), "2026-05-12T23:59:05.000Z");
  EXPECT_EQ(first.at("turn_index"), 0);
  EXPECT_EQ(first.at("user_text"), "My number is +15550001111");
  EXPECT_EQ(first.at("latency").at("total_ms"), 700.0);
  const auto second = boost::json::parse(lines[1]);
  EXPECT_EQ(second.at("interrupted"), true);
  EXPECT_EQ(second.at("tts_characters"), 42);
}

}  // namespace
}  // namespace patter::dashboard
