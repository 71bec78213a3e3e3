#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "api_test_fixture.hpp"
#include "dashboard/iso_time.hpp"

namespace patter::dashboard::testing {
namespace {

namespace json = boost::json;

std::vector<std::string> call_ids(const json::value& calls) {
  std::vector<std::string> ids;
  for (const auto& call : calls.as_array()) ids.emplace_back(call.at("call_id").as_string());
  return ids;
}

class DashboardRoutesTest : public DashboardApiTest {
 protected:
  void SetUp() override {
    start();
    seed_calls();
  }
};

TEST_F(DashboardRoutesTest, ListsCallsNewestFirstWithPagination) {
  const auto first_page = get("/api/dashboard/calls?limit=2");
  ASSERT_EQ(first_page.status, 200);
  EXPECT_EQ(call_ids(body_json(first_page)), (std::vector<std::string>{"c3", "c2"}));

  const auto second_page = get("/api/dashboard/calls?limit=2&offset=2");
  ASSERT_EQ(second_page.status, 200);
  EXPECT_EQ(call_ids(body_json(second_page)), (std::vector<std::string>{"c1"}));

  EXPECT_EQ(call_ids(body_json(get("/api/dashboard/calls"))).size(), 3U);
}

TEST_F(DashboardRoutesTest, RejectsInvalidPaginationWithNamedParameter) {
  for (const std::string bad : {"0", "1001", "abc", "5x", ""}) {
    const auto response = get("/api/dashboard/calls?limit=" + bad);
    EXPECT_EQ(response.status, 400) << bad;
    EXPECT_EQ(body_json(response).at("error").as_string(), "limit must be an integer between 1 and 1000") << bad;
  }
  const auto negative_offset = get("/api/dashboard/calls?offset=-1");
  EXPECT_EQ(negative_offset.status, 400);
  EXPECT_NE(std::string(body_json(negative_offset).at("error").as_string()).find("offset"), std::string::npos);
}

TEST_F(DashboardRoutesTest, ReturnsOneCallWithDetailsOrNotFound) {
  const auto found = get("/api/dashboard/calls/c2");
  ASSERT_EQ(found.status, 200);
  const auto call = body_json(found);
  EXPECT_EQ(call.at("call_id").as_string(), "c2");
  EXPECT_DOUBLE_EQ(call.at("duration_seconds").as_double(), 120.0);
  EXPECT_TRUE(call.at("turns").is_array());
  EXPECT_TRUE(call.at("transcript").is_array());

  const auto missing = get("/api/dashboard/calls/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"error":"Not found"})");
}

TEST_F(DashboardRoutesTest, ListsActiveCallsAndCountsThemInAggregates) {
  store_->record_call_start(inbound_call("live", kT0 + 200'000));
  store_->flush();

  const auto active = get("/api/dashboard/active");
  ASSERT_EQ(active.status, 200);
  EXPECT_EQ(call_ids(body_json(active)), (std::vector<std::string>{"live"}));

  const auto totals = body_json(get("/api/dashboard/aggregates"));
  EXPECT_EQ(totals.at("total_calls").as_int64(), 3);
  EXPECT_NEAR(totals.at("total_cost").as_double(), 0.6, 1e-9);
  EXPECT_NEAR(totals.at("avg_duration").as_double(), 120.0, 1e-9);
  EXPECT_NEAR(totals.at("avg_latency_ms").as_double(), 500.0, 1e-9);
  EXPECT_NEAR(totals.at("cost_breakdown").at("stt").as_double(), 0.15, 1e-9);
  EXPECT_NEAR(totals.at("cost_breakdown").at("telephony").as_double(), 0.15, 1e-9);
  EXPECT_EQ(totals.at("active_calls").as_int64(), 1);
}

TEST_F(DashboardRoutesTest, DeleteHidesTheCallFromEveryRead) {
  const auto deleted = send_json("DELETE", "/api/dashboard/calls/c1", "");
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(body_json(deleted).at("deleted").as_int64(), 1);

  EXPECT_EQ(get("/api/dashboard/calls/c1").status, 404);
  EXPECT_EQ(call_ids(body_json(get("/api/dashboard/calls"))), (std::vector<std::string>{"c3", "c2"}));
  EXPECT_EQ(body_json(get("/api/dashboard/aggregates")).at("total_calls").as_int64(), 2);
  EXPECT_EQ(send_json("DELETE", "/api/dashboard/calls/unknown", "").status, 404);
}

TEST_F(DashboardRoutesTest, BulkDeleteHidesEveryListedCall) {
  const auto deleted = send_json("POST", "/api/dashboard/calls/delete", R"({"call_ids":["c1","c3"]})");
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(body_json(deleted).at("deleted").as_int64(), 2);
  EXPECT_EQ(call_ids(body_json(get("/api/dashboard/calls"))), (std::vector<std::string>{"c2"}));
}

TEST_F(DashboardRoutesTest, BulkDeleteRejectsMalformedBodies) {
  for (const std::string body : {R"({"call_ids":"c1"})", R"({"ids":["c1"]})", R"({"call_ids":[1]})", "[]"}) {
    EXPECT_EQ(send_json("POST", "/api/dashboard/calls/delete", body).status, 400) << body;
  }
  EXPECT_EQ(call_ids(body_json(get("/api/dashboard/calls"))).size(), 3U);
}

TEST_F(DashboardRoutesTest, ExportsCsvAttachmentWithinRange) {
  const auto from = format_iso_utc(kT0 + 60'000);
  const auto to_unix_seconds = std::to_string((kT0 + 120'000) / 1000);
  const auto response = get("/api/dashboard/export/calls?format=csv&from=" + from + "&to=" + to_unix_seconds);
  ASSERT_EQ(response.status, 200);
  EXPECT_NE(response.header("Content-Type").value_or("").find("text/csv"), std::string::npos);
  const auto disposition = response.header("Content-Disposition").value_or("");
  EXPECT_NE(disposition.find("attachment"), std::string::npos);
  EXPECT_NE(disposition.find(".csv"), std::string::npos);
  EXPECT_EQ(response.body.rfind("call_id,caller,callee,direction,started_at,ended_at,duration_s,", 0), 0U);
  EXPECT_NE(response.body.find("\r\nc2,"), std::string::npos);
  EXPECT_EQ(response.body.find("c1,"), std::string::npos);
  EXPECT_EQ(response.body.find("c3,"), std::string::npos);
}

TEST_F(DashboardRoutesTest, ExportsJsonByDefaultAndTreatsADateOnlyToAsTheWholeDay) {
  const auto day = format_iso_utc(kT0).substr(0, 10);
  const auto response = get("/api/dashboard/export/calls?from=" + day + "&to=" + day);
  ASSERT_EQ(response.status, 200);
  EXPECT_NE(response.header("Content-Disposition").value_or("").find(".json"), std::string::npos);
  EXPECT_EQ(call_ids(body_json(response)), (std::vector<std::string>{"c3", "c2", "c1"}));
}

TEST_F(DashboardRoutesTest, ExportRejectsBadDatesAndFormats) {
  const auto bad_from = get("/api/dashboard/export/calls?from=2025-13-01");
  EXPECT_EQ(bad_from.status, 400);
  EXPECT_EQ(std::string(body_json(bad_from).at("error").as_string()).rfind("from ", 0), 0U);

  const auto bad_to = get("/api/dashboard/export/calls?to=yesterday");
  EXPECT_EQ(bad_to.status, 400);
  EXPECT_EQ(std::string(body_json(bad_to).at("error").as_string()).rfind("to ", 0), 0U);

  EXPECT_EQ(get("/api/dashboard/export/calls?format=xml").status, 400);
  EXPECT_EQ(get("/api/dashboard/export/calls?from=2025-05-12&to=2025-05-11").status, 400);
}

TEST_F(DashboardRoutesTest, V1CallsHaveDataAndPagination) {
  const auto page = body_json(get("/api/v1/calls?limit=2&offset=1"));
  EXPECT_EQ(call_ids(page.at("data")), (std::vector<std::string>{"c2", "c1"}));
  const auto& pagination = page.at("pagination");
  EXPECT_EQ(pagination.at("limit").as_int64(), 2);
  EXPECT_EQ(pagination.at("offset").as_int64(), 1);
  EXPECT_EQ(pagination.at("count").to_number<std::int64_t>(), 2);
  EXPECT_EQ(pagination.at("total").to_number<std::int64_t>(), 3);
  EXPECT_EQ(get("/api/v1/calls?limit=1001").status, 400);
}

TEST_F(DashboardRoutesTest, V1SingleAndActiveCalls) {
  store_->record_call_start(inbound_call("live", kT0 + 200'000));
  store_->flush();

  const auto active = body_json(get("/api/v1/calls/active"));
  EXPECT_EQ(call_ids(active.at("data")), (std::vector<std::string>{"live"}));
  EXPECT_EQ(active.at("count").to_number<std::int64_t>(), 1);

  EXPECT_EQ(body_json(get("/api/v1/calls/c3")).at("data").at("call_id").as_string(), "c3");
  const auto missing = get("/api/v1/calls/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"error":"Not found"})");
}

TEST_F(DashboardRoutesTest, V1AnalyticsOverviewAndCosts) {
  const auto overview = body_json(get("/api/v1/analytics/overview"));
  EXPECT_EQ(overview.at("data").at("total_calls").as_int64(), 3);

  const auto from = format_iso_utc(kT0 + 60'000);
  const auto costs = body_json(get("/api/v1/analytics/costs?from=" + from));
  const auto& data = costs.at("data");
  EXPECT_NEAR(data.at("total_cost").as_double(), 0.5, 1e-9);
  EXPECT_NEAR(data.at("breakdown").at("llm").as_double(), 0.125, 1e-9);
  EXPECT_EQ(data.at("calls_analyzed").to_number<std::int64_t>(), 2);
  EXPECT_EQ(data.at("period").at("from").as_string(), from);
  EXPECT_TRUE(data.at("period").at("to").is_null());

  const auto bad = get("/api/v1/analytics/costs?to=13/01/2025");
  EXPECT_EQ(bad.status, 400);
}

}  // namespace
}  // namespace patter::dashboard::testing
