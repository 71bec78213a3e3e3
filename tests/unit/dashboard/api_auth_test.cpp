#include <gtest/gtest.h>

#include <string>

#include "api_test_fixture.hpp"
#include "core/error.hpp"
#include "dashboard/api_auth.hpp"
#include "dashboard/api_params.hpp"

namespace patter::dashboard::testing {
namespace {

constexpr const char* kToken = "s3cret-token";

class DashboardAuthTest : public DashboardApiTest {
 protected:
  void SetUp() override {
    DashboardApiOptions options;
    options.token = kToken;
    options.require_token = true;
    start(std::move(options));
    seed_calls();
  }
};

TEST_F(DashboardAuthTest, RejectsRequestsWithoutTheToken) {
  for (const std::string target : {"/api/dashboard/calls", "/api/dashboard/aggregates", "/api/v1/calls",
                                   "/api/dashboard/export/calls?format=csv", "/api/dashboard/events"}) {
    const auto response = get(target);
    EXPECT_EQ(response.status, 401) << target;
    EXPECT_EQ(response.body, R"({"error":"Unauthorized"})") << target;
  }
  EXPECT_EQ(send_json("POST", "/api/dashboard/calls/delete", R"({"call_ids":["c1"]})").status, 401);
  EXPECT_EQ(get(std::string("/api/dashboard/calls/c1?token=") + kToken).status, 200)
      << "the unauthorized delete must not have run";
}

TEST_F(DashboardAuthTest, AcceptsABearerHeader) {
  const auto response = get("/api/dashboard/calls", {{"Authorization", std::string("Bearer ") + kToken}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(body_json(response).as_array().size(), 3U);
}

TEST_F(DashboardAuthTest, AcceptsATokenQueryParameter) {
  EXPECT_EQ(get(std::string("/api/dashboard/calls?token=") + kToken).status, 200);
}

TEST_F(DashboardAuthTest, RejectsAWrongToken) {
  EXPECT_EQ(get("/api/dashboard/calls", {{"Authorization", "Bearer s3cret-tokeN"}}).status, 401);
  EXPECT_EQ(get("/api/dashboard/calls", {{"Authorization", kToken}}).status, 401);
  EXPECT_EQ(get("/api/dashboard/calls?token=s3cret").status, 401);
}

TEST(DashboardAuthRules, OpenWhenNoTokenIsConfiguredOrRequired) {
  net::HttpRequest request;
  EXPECT_TRUE(is_authorized(request, DashboardApiOptions{}));
}

TEST(DashboardAuthRules, RequiringATokenWithoutOneFailsClosed) {
  DashboardApiOptions options;
  options.require_token = true;
  net::HttpRequest request;
  request.query = {{"token", ""}};
  EXPECT_FALSE(is_authorized(request, options));
}

TEST(DashboardExposure, LoopbackHostsNeedNoToken) {
  for (const char* host : {"127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"}) {
    EXPECT_NO_THROW(validate_dashboard_exposure(host, "")) << host;
  }
}

TEST(DashboardExposure, OtherHostsNeedAToken) {
  for (const char* host : {"0.0.0.0", "::", "192.168.1.10", "dashboard.example.com"}) {
    try {
      validate_dashboard_exposure(host, "");
      ADD_FAILURE() << host << " was accepted without a token";
    } catch (const core::Error& error) {
      EXPECT_EQ(error.code(), core::Errc::config_invalid) << host;
    }
    EXPECT_NO_THROW(validate_dashboard_exposure(host, kToken)) << host;
  }
}

TEST(DashboardTimeParameters, ParsesIsoDatesTimesAndUnixSeconds) {
  EXPECT_EQ(parse_time("2025-05-11", false), kT0 - (21 * 3600 + 46 * 60 + 40) * 1000LL);
  EXPECT_EQ(parse_time("2025-05-11", true), kT0 + (2 * 3600 + 13 * 60 + 20) * 1000LL);
  EXPECT_EQ(parse_time("2025-05-11T21:46:40Z", false), kT0);
  EXPECT_EQ(parse_time("2025-05-11T21:46:40.250Z", false), kT0 + 250);
  EXPECT_EQ(parse_time("2025-05-11T23:46:40+02:00", false), kT0);
  EXPECT_EQ(parse_time("2025-05-11T21:46", false), kT0 - 40'000);
  EXPECT_EQ(parse_time("1747000000", false), kT0);
  EXPECT_EQ(parse_time("1747000000.5", false), kT0 + 500);
}

TEST(DashboardTimeParameters, RejectsMalformedValues) {
  for (const char* text : {"2025-02-30", "2025-5-11", "2025-05-11T25:00Z", "2025-05-11Tx", "-5", "abc",
                           "2025-05-11T21:46:40+2", "1e9"}) {
    EXPECT_FALSE(parse_time(text, false).has_value()) << text;
  }
}

}  // namespace
}  // namespace patter::dashboard::testing
