#include "dashboard/calls_csv.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace patter::dashboard {
namespace {

TEST(CsvFieldTest, PlainValuesStayAsTheyAre) {
  EXPECT_EQ(csv_field("+15550001111"), "+15550001111");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("O'Brien"), "O'Brien");
}

TEST(CsvFieldTest, QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(csv_field("Doe, Jane"), "\"Doe, Jane\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(csv_field("\""), "\"\"\"\"");
}

TEST(CallsCsvTest, HeaderHasTheFifteenReferenceColumns) {
  std::ostringstream out;
  write_calls_csv(out, std::vector<CallRecord>{});
  EXPECT_EQ(out.str(),
            "call_id,caller,callee,direction,started_at,ended_at,duration_s,cost_total,cost_stt,"
            "cost_tts,cost_llm,cost_telephony,avg_latency_ms,turns_count,provider_mode\r\n");
}

TEST(CallsCsvTest, ActiveCallHasEmptyEndTime) {
  CallRecord call;
  call.call_id = "CA1";
  call.direction = "outbound";
  call.started_at = 1000;
  call.turns_count = 3;
  std::ostringstream out;
  write_calls_csv(out, std::vector<CallRecord>{call});
  const auto text = out.str();
  EXPECT_NE(text.find("\r\nCA1,,,outbound,1970-01-01T00:00:01.000Z,,0,0,0,0,0,0,0,3,\r\n"),
            std::string::npos);
}

}  // namespace
}  // namespace patter::dashboard
