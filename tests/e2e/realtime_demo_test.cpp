// `patter demo --realtime`: the built-in demo agent on OpenAI Realtime, here the fake service.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "app/demo_command.hpp"
#include "core/error.hpp"
#include "fakes/fake_openai_realtime.hpp"

namespace patter::app {
namespace {

using ::testing::HasSubstr;

core::EnvLookup env_with(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto found = values.find(std::string(name));
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

TEST(RealtimeDemo, WithoutAnOpenAiKeyItStopsWithAClearError) {
  DemoOptions options;
  options.realtime = true;
  std::ostringstream out;
  try {
    (void)run_demo(options, out, env_with({}));
    ADD_FAILURE() << "the demo ran without a key";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::missing_credential);
    EXPECT_THAT(error.what(), HasSubstr("OPENAI_API_KEY"));
  }
  EXPECT_TRUE(out.str().empty()) << "nothing started";
}

TEST(RealtimeDemo, RunsTheBuiltInAgentOnTheRealtimeEngine) {
  fakes::FakeOpenAiRealtime fake;
  const auto folder = std::filesystem::temp_directory_path() / ("patter_rt_demo_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  DemoOptions options;
  options.realtime = true;
  options.openai_base_url = fake.url();
  options.recording = folder / "demo.wav";
  std::ostringstream out;
  const int status = run_demo(options, out, env_with({{"OPENAI_API_KEY", fake.options().api_key}}));
  EXPECT_EQ(status, 0) << out.str();
  EXPECT_THAT(out.str(), HasSubstr("Hello, you have reached Trattoria Patter."));
  EXPECT_TRUE(std::filesystem::exists(options.recording));
  const auto connections = fake.connections();
  ASSERT_EQ(connections.size(), 1U);
  EXPECT_GE(connections[0].responses_started, 2U) << "the greeting and at least one answer";
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace patter::app
