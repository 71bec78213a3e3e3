#include "dashboard/call_log.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "dashboard/call_store.hpp"
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

TEST(CallLogOptionsTest, ComeFromTheReferenceEnvironmentVariables) {
  const auto env_of = [](std::map<std::string, std::string> values) -> core::EnvLookup {
    return [values](std::string_view name) -> std::optional<std::string> {
      const auto found = values.find(std::string(name));
      return found == values.end() ? std::nullopt : std::optional(found->second);
    };
  };
  EXPECT_FALSE(call_log_options_from_env(env_of({})));
  const auto options = call_log_options_from_env(env_of(
      {{"PATTER_LOG_DIR", "auto"}, {"HOME", "/home/ada"}, {"PATTER_LOG_REDACT_PHONE", "hash_only"},
       {"PATTER_LOG_RETENTION_DAYS", "7"}}));
  ASSERT_TRUE(options);
  EXPECT_EQ(options->root, std::filesystem::path("/home/ada/.local/share/patter"));
  EXPECT_EQ(options->redaction, PhoneRedaction::hash_only);
  EXPECT_EQ(options->retention_days, 7);
  EXPECT_EQ(call_log_options_from_env(env_of({{"PATTER_LOG_DIR", "/var/log/patter"}}))->retention_days, 30);
  EXPECT_THROW((void)call_log_options_from_env(env_of({{"PATTER_LOG_DIR", "/x"}, {"PATTER_LOG_REDACT_PHONE", "some"}})),
               core::Error);
  EXPECT_THROW((void)call_log_options_from_env(env_of({{"PATTER_LOG_DIR", "/x"}, {"PATTER_LOG_RETENTION_DAYS", "-1"}})),
               core::Error);
  EXPECT_THROW((void)call_log_options_from_env(env_of({{"PATTER_LOG_DIR", "auto"}})), core::Error);
}

TEST(CallLogRetentionTest, RemovesOnlyDayFoldersOlderThanTheRetention) {
  TempDir dir;
  const auto calls = dir.path() / "calls";
  for (const char* day : {"2026/04/30", "2026/05/01", "2026/05/10", "2026/05/12"}) {
    std::filesystem::create_directories(calls / day / "CA1");
    std::ofstream(calls / day / "CA1" / "metadata.json") << "{}";
  }
  std::filesystem::create_directories(calls / "notes" / "keep");
  std::filesystem::create_directories(calls / "2025" / "12" / "31");

  using namespace std::chrono;
  const sys_days today{year(2026) / May / 12};
  EXPECT_EQ(prune_call_log(dir.path(), 10, today), 3U);  // 2025-12-31, 2026-04-30 and 2026-05-01
  EXPECT_FALSE(std::filesystem::exists(calls / "2026" / "04")) << "an emptied month goes too";
  EXPECT_FALSE(std::filesystem::exists(calls / "2025"));
  EXPECT_TRUE(std::filesystem::exists(calls / "2026" / "05" / "10" / "CA1" / "metadata.json"));
  EXPECT_TRUE(std::filesystem::exists(calls / "2026" / "05" / "12"));
  EXPECT_TRUE(std::filesystem::exists(calls / "notes" / "keep"));
  EXPECT_EQ(prune_call_log(dir.path(), 0, today), 0U) << "0 keeps everything";
}

TEST(CallLogStoreTest, TheStoreKeepsTheLogOfEveryCallItRecords) {
  TempDir dir;
  auto options = options_for(dir);
  options.call_log = CallLogOptions{dir.path() / "log", PhoneRedaction::mask, 30};
  CallStore store(options);
  store.record_call_start(inbound_call("CA7", kT0, "+15550001111", "+15559990000"));
  store.record_turn("CA7", make_turn(1, "Hello?", "Hi there.", 700.0, kT0 + 2000));
  store.record_turn("CA7", make_turn(2, "Bye", "Goodbye!", 650.0, kT0 + 4000));
  store.flush();
  const auto call = store.get_call("CA7");
  ASSERT_TRUE(call);
  const CallLog log(dir.path() / "log", PhoneRedaction::mask);
  const auto folder = log.call_dir(call->call);
  auto metadata = boost::json::parse(read_file(folder / "metadata.json")).as_object();
  EXPECT_EQ(metadata.at("status").as_string(), "in_progress");
  EXPECT_EQ(metadata.at("caller").as_string(), "***1111");
  EXPECT_EQ(read_lines(folder / "transcript.jsonl").size(), 2U);

  store.record_call_end(call_end("CA7", kT0 + 5000, make_metrics("CA7", 5.0, 0.02, 700.0)));
  store.flush();
  metadata = boost::json::parse(read_file(folder / "metadata.json")).as_object();
  EXPECT_EQ(metadata.at("status").as_string(), "completed");
  EXPECT_EQ(read_lines(folder / "transcript.jsonl").size(), 2U) << "turns are logged once";
}

}  // namespace
}  // namespace patter::dashboard
