#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <regex>

#include <boost/json/parse.hpp>

#include "subprocess.hpp"

using namespace std::chrono_literals;
using patter::test::Subprocess;

namespace {

constexpr auto kStartTimeout = 10s;

std::uint16_t listening_port(Subprocess& server) {
  const auto line = server.wait_for_line("listening on http://127.0.0.1:", kStartTimeout);
  if (!line) return 0;
  std::smatch match;
  if (!std::regex_search(*line, match, std::regex(R"(127\.0\.0\.1:(\d+))"))) return 0;
  return static_cast<std::uint16_t>(std::stoi(match[1]));
}

std::string body_of(const std::string& response) {
  const auto split = response.find("\r\n\r\n");
  return split == std::string::npos ? std::string() : response.substr(split + 4);
}

}  // namespace

std::string temp_database(const std::string& name) {
  const std::string path = testing::TempDir() + "/" + name + ".db";
  std::remove(path.c_str());
  return path;
}

TEST(Serve, AnswersHealthAndExitsCleanlyOnSigterm) {
  Subprocess server({PATTER_BINARY, "serve", "--port", "0", "--dashboard-db", temp_database("health")});
  const auto port = listening_port(server);
  ASSERT_NE(port, 0) << server.output();

  const auto response = patter::test::http_request(
      port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5s);
  ASSERT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
  EXPECT_NE(response.find("application/json"), std::string::npos);
  const auto health = boost::json::parse(body_of(response));
  EXPECT_EQ(health.at("status").as_string(), "ok");
  EXPECT_EQ(health.at("version").as_string(), PATTER_VERSION);

  const auto calls = patter::test::http_request(
      port, "GET /api/dashboard/aggregates HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5s);
  ASSERT_EQ(calls.rfind("HTTP/1.1 200", 0), 0u) << calls;
  EXPECT_EQ(boost::json::parse(body_of(calls)).at("total_calls").to_number<int>(), 0);

  server.send_signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(15s), 0) << server.output();
  EXPECT_NE(server.output().find("received SIGTERM, shutting down"), std::string::npos);
  EXPECT_NE(server.output().find("stopped"), std::string::npos);
}

TEST(Serve, ExitsCleanlyOnSigintAndRefusesNewConnectionsAfterwards) {
  Subprocess server({PATTER_BINARY, "serve", "--port", "0", "--no-dashboard"});
  const auto port = listening_port(server);
  ASSERT_NE(port, 0) << server.output();
  server.send_signal(SIGINT);
  EXPECT_EQ(server.wait_exit(15s), 0) << server.output();
  EXPECT_THROW(patter::test::http_request(port, "GET /health HTTP/1.1\r\n\r\n", 1s),
               std::runtime_error);
}

TEST(Serve, JsonLogFormatWritesOneJsonObjectPerLine) {
  Subprocess server({PATTER_BINARY, "serve", "--port", "0", "--log-format", "json", "--no-dashboard"});
  const auto line = server.wait_for_line("listening on", kStartTimeout);
  ASSERT_TRUE(line) << server.output();
  const auto entry = boost::json::parse(*line);
  EXPECT_EQ(entry.at("level").as_string(), "info");
  server.send_signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(15s), 0);
}

TEST(Serve, InvalidConfigFailsWithALocatedMessageAndTheConfigExitCode) {
  const std::string path = testing::TempDir() + "/patter-bad-config.yaml";
  std::ofstream(path) << "server:\n  port: seventy\n";
  Subprocess server({PATTER_BINARY, "serve", path});
  EXPECT_EQ(server.wait_exit(10s), 78);
  EXPECT_NE(server.output().find(path + ":2:9: server.port: expected an integer between 0 and 65535"),
            std::string::npos)
      << server.output();
}

TEST(Serve, UnknownConfigKeyIsRejected) {
  const std::string path = testing::TempDir() + "/patter-typo-config.yaml";
  std::ofstream(path) << "sever:\n  port: 8000\n";
  Subprocess server({PATTER_BINARY, "serve", path});
  EXPECT_EQ(server.wait_exit(10s), 78);
  EXPECT_NE(server.output().find("unknown key (did you mean 'server'?)"), std::string::npos)
      << server.output();
}

TEST(Serve, BusyPortIsAClearError) {
  Subprocess first({PATTER_BINARY, "serve", "--port", "0", "--no-dashboard"});
  const auto port = listening_port(first);
  ASSERT_NE(port, 0);
  Subprocess second({PATTER_BINARY, "serve", "--port", std::to_string(port), "--no-dashboard"});
  EXPECT_EQ(second.wait_exit(10s), 69);
  EXPECT_NE(second.output().find("cannot listen on 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << second.output();
  first.send_signal(SIGTERM);
  EXPECT_EQ(first.wait_exit(15s), 0);
}

TEST(Cli, PrintsVersion) {
  Subprocess version({PATTER_BINARY, "--version"});
  EXPECT_EQ(version.wait_exit(5s), 0);
  EXPECT_EQ(version.output(), std::string("patter ") + PATTER_VERSION + "\n");
}

TEST(Serve, AcceptsAHostNameToBind) {
  Subprocess server({PATTER_BINARY, "serve", "--host", "localhost", "--port", "0", "--no-dashboard"});
  ASSERT_TRUE(server.wait_for_line("listening on http://localhost:", kStartTimeout)) << server.output();
  server.send_signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(15s), 0);
}

TEST(Serve, RefusesToExposeTheDashboardBeyondLoopbackWithoutAToken) {
  Subprocess server({PATTER_BINARY, "serve", "--host", "0.0.0.0", "--port", "0", "--dashboard-db",
                     temp_database("exposed")});
  EXPECT_EQ(server.wait_exit(10s), 78);
  EXPECT_NE(server.output().find("token"), std::string::npos) << server.output();
}

TEST(Serve, KeepsCallRecordsInTheConfiguredDatabase) {
  const std::string path = temp_database("configured");
  Subprocess server({PATTER_BINARY, "serve", "--port", "0", "--dashboard-db", path});
  ASSERT_NE(listening_port(server), 0) << server.output();
  EXPECT_TRUE(server.wait_for_line("calls stored in " + path, kStartTimeout)) << server.output();
  server.send_signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(15s), 0);
  EXPECT_TRUE(std::ifstream(path).good());
}
