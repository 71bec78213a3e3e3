#include "core/error.hpp"

#include <gtest/gtest.h>

using patter::core::Errc;

TEST(Errc, MapsToHttpStatusWebSocketCloseAndExitCodes) {
  EXPECT_EQ(patter::core::http_status(Errc::forbidden), 403);
  EXPECT_EQ(patter::core::http_status(Errc::payload_too_large), 413);
  EXPECT_EQ(patter::core::http_status(Errc::headers_too_large), 431);
  EXPECT_EQ(patter::core::http_status(Errc::missing_credential), 503);
  EXPECT_EQ(patter::core::ws_close_code(Errc::message_too_big), 1009);
  EXPECT_EQ(patter::core::ws_close_code(Errc::invalid_utf8), 1007);
  EXPECT_EQ(patter::core::ws_close_code(Errc::shutting_down), 1001);
  EXPECT_EQ(patter::core::ws_close_code(Errc::protocol_error), 1002);
  EXPECT_EQ(patter::core::exit_code(Errc::config_invalid), 78);
  EXPECT_EQ(patter::core::exit_code(Errc::missing_credential), 78);
  EXPECT_EQ(patter::core::exit_code(Errc::shutting_down), 0);
}

TEST(Errc, EveryCodeHasADistinctNameAndAValidCloseCode) {
  std::set<std::string_view> names;
  for (int value = static_cast<int>(Errc::bad_request); value <= static_cast<int>(Errc::internal);
       ++value) {
    const auto code = static_cast<Errc>(value);
    EXPECT_TRUE(names.insert(patter::core::errc_name(code)).second) << value;
    const auto close = patter::core::ws_close_code(code);
    EXPECT_TRUE(close >= 1000 && close <= 1014 && close != 1005 && close != 1006) << close;
  }
}

TEST(Errc, IntegratesWithStdErrorCode) {
  const std::error_code ec = Errc::timeout;
  EXPECT_EQ(ec.category().name(), std::string("patter"));
  EXPECT_EQ(ec.message(), "timeout");
  EXPECT_EQ(ec, Errc::timeout);
}

TEST(Error, CarriesItsCodeAndMessage) {
  const patter::core::Error error(Errc::unavailable, "auth token not configured");
  EXPECT_EQ(error.code(), Errc::unavailable);
  EXPECT_STREQ(error.what(), "auth token not configured");
}
