#include "core/log.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

using patter::core::redact;

struct RedactCase {
  const char* input;
  const char* expected;
};

class RedactTest : public ::testing::TestWithParam<RedactCase> {};

TEST_P(RedactTest, MasksCredentials) { EXPECT_EQ(redact(GetParam().input), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(
    Lines, RedactTest,
    ::testing::Values(
        RedactCase{"Authorization: Bearer abcdef123456", "Authorization: ***"},
        RedactCase{"authorization: Token dg_0123456789", "authorization: ***"},
        RedactCase{"sent xi-api-key: 0123456789abcdef to host", "sent xi-api-key: ***"},
        RedactCase{"X-Twilio-Signature: RSOYDt4T1cUTdK1PDd93/VVr8B8=", "X-Twilio-Signature: ***"},
        RedactCase{R"({"xi-api-key":"abc123456789","text":" "})", R"({"xi-api-key":"***","text":" "})"},
        RedactCase{R"({"api_key": "abcdef12345"})", R"({"api_key": "***"})"},
        RedactCase{"GET /v1beta/models/x?alt=sse&key=AIzaSyAbc123 HTTP/1.1",
                   "GET /v1beta/models/x?alt=sse&key=*** HTTP/1.1"},
        RedactCase{"wss://host/stt?api_key=secretvalue123&model=ink", "wss://host/stt?api_key=***&model=ink"},
        RedactCase{"using key sk-proj-ABCDEFGHIJKLMNOP1234", "using key sk-***"},
        RedactCase{"header was Bearer eyJhbGciOiJIUzI1NiJ9.payload", "header was Bearer ***"},
        RedactCase{"call CA123 started from +15551230000", "call CA123 started from +15551230000"},
        RedactCase{"turn took 230 ms", "turn took 230 ms"}));

TEST(Redact, MasksRegisteredSecretsAnywhere) {
  patter::core::register_secret("dg-live-secret-value");
  EXPECT_EQ(redact("connecting with dg-live-secret-value now"), "connecting with *** now");
  EXPECT_EQ(redact("x=dg-live-secret-valuedg-live-secret-value"), "x=******");
}

TEST(Redact, IgnoresTooShortSecretsThatWouldMaskOrdinaryWords) {
  patter::core::register_secret("abc");
  EXPECT_EQ(redact("abc def"), "abc def");
}

namespace {
std::string format_line(patter::core::LogFormat format, const std::string& message) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(patter::core::make_log_formatter(format));
  spdlog::logger logger("net", sink);
  logger.info(message);
  return out.str();
}
}  // namespace

TEST(LogFormat, JsonLinesAreValidJsonWithRedactedMessage) {
  const auto line = format_line(patter::core::LogFormat::json,
                                "upstream said \"no\" with Authorization: Bearer abcdef123456");
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  const auto value = boost::json::parse(line);
  EXPECT_EQ(value.at("level").as_string(), "info");
  EXPECT_EQ(value.at("logger").as_string(), "net");
  EXPECT_EQ(value.at("msg").as_string(), "upstream said \"no\" with Authorization: ***");
  EXPECT_EQ(value.at("ts").as_string().size(), std::string("2026-01-01T00:00:00.000Z").size());
}

TEST(LogFormat, HumanLinesCarryLevelLoggerAndMessage) {
  const auto line = format_line(patter::core::LogFormat::human, "listening on http://127.0.0.1:8000");
  EXPECT_NE(line.find(" info  [net] listening on http://127.0.0.1:8000\n"), std::string::npos) << line;
}

TEST(LogFormat, ParsesFormatAndLevelNames) {
  EXPECT_EQ(patter::core::parse_log_format("json"), patter::core::LogFormat::json);
  EXPECT_EQ(patter::core::parse_log_format("human"), patter::core::LogFormat::human);
  EXPECT_FALSE(patter::core::parse_log_format("xml"));
  EXPECT_EQ(patter::core::parse_log_level("warning"), spdlog::level::warn);
  EXPECT_FALSE(patter::core::parse_log_level("loud"));
}
