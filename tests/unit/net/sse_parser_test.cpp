#include "net/sse_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace patter::net {
namespace {

struct SseCase {
  std::string name;
  std::vector<std::string> chunks;
  std::vector<SseEvent> expected;
};

SseEvent event(std::string data, std::string type = "message", std::string id = {}) {
  return SseEvent{std::move(type), std::move(data), std::move(id)};
}

std::vector<SseCase> sse_cases() {
  return {
      {"single_data_line", {"data: hello\n\n"}, {event("hello")}},
      {"leading_space_stripped_once", {"data:  two spaces\n\n"}, {event(" two spaces")}},
      {"no_space_after_colon", {"data:tight\n\n"}, {event("tight")}},
      {"multi_line_data_joined", {"data: a\ndata: b\ndata:\n\n"}, {event("a\nb\n")}},
      {"event_type", {"event: delta\ndata: x\n\n"}, {event("x", "delta")}},
      {"type_resets_after_dispatch",
       {"event: a\ndata: 1\n\ndata: 2\n\n"},
       {event("1", "a"), event("2")}},
      {"id_persists",
       {"id: 7\ndata: a\n\ndata: b\n\n"},
       {event("a", "message", "7"), event("b", "message", "7")}},
      {"id_with_nul_ignored",
       {std::string("id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n", 32)},
       {event("a", "message", "1"), event("b", "message", "1")}},
      {"comments_ignored", {": ping\ndata: a\n: another\n\n"}, {event("a")}},
      {"event_without_data_not_dispatched",
       {"event: lonely\nid: 3\n\ndata: next\n\n"},
       {event("next", "message", "3")}},
      {"empty_data_dispatched", {"data\n\n"}, {event("")}},
      {"unknown_field_ignored", {"foo: bar\ndata: a\n\n"}, {event("a")}},
      {"crlf_line_endings", {"data: a\r\ndata: b\r\n\r\n"}, {event("a\nb")}},
      {"cr_line_endings", {"data: a\rdata: b\r\r"}, {event("a\nb")}},
      {"crlf_split_across_feeds",
       {"data: a\r", "\n\r", "\ndata: b\r\n\r\n"},
       {event("a"), event("b")}},
      {"bom_ignored",
       {"\xEF\xBB\xBF"
        "data: a\n\n"},
       {event("a")}},
      {"bom_split_across_feeds",
       {"\xEF", "\xBB",
        "\xBF"
        "data: a\n\n"},
       {event("a")}},
      {"bom_only_at_start",
       {"data: a\n\n\xEF\xBB\xBF"
        "data: b\n\n"},
       {event("a")}},
      {"frame_split_mid_field", {"da", "ta: hel", "lo\n", "\n"}, {event("hello")}},
      {"incomplete_event_not_dispatched", {"data: never finished\n"}, {}},
      {"openai_style_done",
       {"data: {\"x\":1}\n\ndata: [DONE]\n\n"},
       {event("{\"x\":1}"), event("[DONE]")}},
      {"field_name_without_colon", {"data\ndata\n\n"}, {event("\n")}},
  };
}

class SseParserCases : public ::testing::TestWithParam<SseCase> {};

TEST_P(SseParserCases, ProducesExpectedEvents) {
  const auto& test_case = GetParam();
  SseParser parser;
  std::vector<SseEvent> events;
  for (const auto& chunk : test_case.chunks) {
    auto produced = parser.feed(chunk);
    events.insert(events.end(), produced.begin(), produced.end());
  }
  EXPECT_EQ(events, test_case.expected);
}

TEST_P(SseParserCases, SameEventsWhenFedOneByteAtATime) {
  const auto& test_case = GetParam();
  std::string whole;
  for (const auto& chunk : test_case.chunks) whole += chunk;
  SseParser parser;
  std::vector<SseEvent> events;
  for (const char byte : whole) {
    parser.feed(std::string_view(&byte, 1), [&](const SseEvent& e) { events.push_back(e); });
  }
  EXPECT_EQ(events, test_case.expected);
}

INSTANTIATE_TEST_SUITE_P(Table, SseParserCases, ::testing::ValuesIn(sse_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(SseParser, RetryFieldSetsReconnectionDelay) {
  SseParser parser;
  parser.feed("retry: 2500\n\n");
  ASSERT_TRUE(parser.retry().has_value());
  EXPECT_EQ(parser.retry()->count(), 2500);
  parser.feed("retry: soon\nretry: 12x\n\n");
  EXPECT_EQ(parser.retry()->count(), 2500);
}

TEST(SseParser, OversizedLineIsAClearErrorAndStaysFailed) {
  SseParser parser(SseParserLimits{.max_line_bytes = 16, .max_event_bytes = 1024});
  EXPECT_NO_THROW(parser.feed("data: 123456789\n"));
  try {
    parser.feed("data: 0123456789");
    parser.feed("abcdef");
    FAIL() << "expected SseError";
  } catch (const SseError& error) {
    EXPECT_NE(std::string(error.what()).find("longer than 16 bytes"), std::string::npos);
  }
  EXPECT_THROW(parser.feed("\n\n"), SseError);
}

TEST(SseParser, OversizedEventIsAClearError) {
  SseParser parser(SseParserLimits{.max_line_bytes = 64, .max_event_bytes = 20});
  parser.feed("data: 0123456789\n");
  EXPECT_THROW(parser.feed("data: 0123456789\n"), SseError);
}

TEST(SseParser, LastEventIdReadable) {
  SseParser parser;
  parser.feed("id: abc\n\n");
  EXPECT_EQ(parser.last_event_id(), "abc");
}

}  // namespace
}  // namespace patter::net
