#include "dashboard/static_routes.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "api_test_fixture.hpp"

namespace patter::dashboard {
namespace {

using testing::DashboardApiTest;

void write_text(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

class StaticRoutesTest : public DashboardApiTest {
 protected:
  void serve_spa() {
    const auto root = dir_.path() / "dist";
    write_text(root / "index.html", "<!doctype html><title>spa</title>");
    write_text(root / "assets/index-abc.js", "export {}");
    start_with(root);
  }
  void start_with(std::optional<std::filesystem::path> root) {
    web_root_ = std::move(root);
    DashboardApiOptions options;
    options.token = "secret";
    start(std::move(options));
  }
  // The static routes go in after the API routes, as the server adds them.
  void start(DashboardApiOptions options) {
    store_ = std::make_unique<CallStore>(testing::options_for(dir_), events_.store_hook());
    add_dashboard_routes(router_, *store_, events_, std::move(options));
    add_static_routes(router_, web_root_);
    pool_.start();
    net::ServerOptions server_options;
    server_options.host = "127.0.0.1";
    server_options.port = 0;
    server_ = std::make_unique<net::HttpServer>(pool_, router_, std::move(server_options));
    server_->start();
  }

  std::optional<std::filesystem::path> web_root_;
};

TEST_F(StaticRoutesTest, ServesIndexWithoutCachingAndAssetsForAYear) {
  serve_spa();
  const auto index = get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>spa</title>");
  EXPECT_EQ(index.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("Cache-Control"), "no-cache");
  EXPECT_EQ(index.header("Referrer-Policy"), "no-referrer");
  const auto script = get("/assets/index-abc.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.header("Cache-Control"), "public, max-age=31536000, immutable");
}

TEST_F(StaticRoutesTest, FallsBackToIndexForClientRoutesOnly) {
  serve_spa();
  EXPECT_EQ(get("/calls/CA123").body, "<!doctype html><title>spa</title>");
  EXPECT_EQ(get("/assets/missing.js").status, 404);
  EXPECT_EQ(get("/api/unknown").status, 404);
  EXPECT_EQ(get("/api/dashboard/nothing/here").header("Content-Type"), "application/json");
  EXPECT_EQ(get("/%2e%2e/%2e%2e/etc/passwd").status, 404);
  EXPECT_EQ(get("/.env").status, 404);
}

TEST_F(StaticRoutesTest, LeavesTheApiAndItsAuthAlone) {
  serve_spa();
  EXPECT_EQ(get("/api/dashboard/calls").status, 401);
  EXPECT_EQ(get("/api/dashboard/calls?token=secret").status, 200);
}

TEST_F(StaticRoutesTest, ExplainsHowToBuildWhenThereIsNoSpa) {
  start_with(std::nullopt);
  const auto page = get("/");
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("npm run build"), std::string::npos);
  EXPECT_EQ(get("/calls/x").status, 404);
}

}  // namespace
}  // namespace patter::dashboard
