#include "sim/call_script.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <fstream>

#include "core/error.hpp"

namespace patter::sim {
namespace {

using namespace std::chrono_literals;

// A scratch directory holding one (empty) WAV file, removed afterwards.
class CallScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("patter-sim-script-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "hello.wav") << "RIFF";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CallScript parse(const std::string& yaml) { return parse_call_script(yaml, "script.yaml", dir_); }

  // The message of the config_invalid error parsing `yaml` throws.
  std::string error_of(const std::string& yaml) {
    try {
      (void)parse(yaml);
    } catch (const core::Error& error) {
      EXPECT_EQ(error.code(), core::Errc::config_invalid);
      return error.what();
    }
    ADD_FAILURE() << "no error for:\n" << yaml;
    return {};
  }

  std::filesystem::path dir_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(CallScriptTest, ParsesEveryStep) {
  const auto script = parse(R"(
call: {from: "+15550003333", to: "+15550004444", custom_parameters: {name: Ada, tier: gold}}
steps:
  - wait_for_agent: {timeout_ms: 5000, quiet_ms: 500}
  - say: "what are your opening hours"
    voice: en-gb
    rate: 150
  - say_wav: hello.wav
  - pause_ms: 250
  - barge_in: {after_agent_starts_ms: 300, say: "wait stop"}
  - barge_in: {say_wav: hello.wav, timeout_ms: 2000}
  - dtmf: "12#"
  - hang_up: {}
)");
  EXPECT_EQ(script.call.from, "+15550003333");
  EXPECT_EQ(script.call.to, "+15550004444");
  EXPECT_EQ(script.call.custom_parameters.at("name"), "Ada");
  EXPECT_EQ(script.call.custom_parameters.at("tier"), "gold");
  ASSERT_EQ(script.steps.size(), 8u);

  const auto& wait = std::get<WaitForAgent>(script.steps[0]);
  EXPECT_EQ(wait.timeout, 5000ms);
  EXPECT_EQ(wait.quiet, 500ms);
  const auto& say = std::get<Say>(script.steps[1]);
  EXPECT_EQ(say.text, "what are your opening hours");
  EXPECT_EQ(say.voice.voice, "en-gb");
  EXPECT_EQ(say.voice.rate_wpm, 150);
  EXPECT_EQ(std::get<SayWav>(script.steps[2]).path, dir_ / "hello.wav");
  EXPECT_EQ(std::get<Pause>(script.steps[3]).duration, 250ms);
  const auto& barge_in = std::get<BargeIn>(script.steps[4]);
  EXPECT_EQ(barge_in.after_agent_starts, 300ms);
  EXPECT_EQ(barge_in.text, "wait stop");
  EXPECT_TRUE(barge_in.wav.empty());
  const auto& wav_barge_in = std::get<BargeIn>(script.steps[5]);
  EXPECT_EQ(wav_barge_in.wav, dir_ / "hello.wav");
  EXPECT_EQ(wav_barge_in.timeout, 2000ms);
  EXPECT_EQ(std::get<Dtmf>(script.steps[6]).digits, "12#");
  EXPECT_TRUE(std::holds_alternative<HangUp>(script.steps[7]));
  EXPECT_EQ(step_name(script.steps[3]), "pause_ms");
}

TEST_F(CallScriptTest, DefaultsAndBareSteps) {
  const auto script = parse("steps: [wait_for_agent, {say: hi}, hang_up]\n");
  EXPECT_EQ(script.call.from, "+15550001111");
  EXPECT_EQ(script.call.to, "+15550002222");
  ASSERT_EQ(script.steps.size(), 3u);
  EXPECT_EQ(std::get<WaitForAgent>(script.steps[0]).timeout, 8000ms);
  EXPECT_EQ(std::get<WaitForAgent>(script.steps[0]).quiet, 700ms);
  EXPECT_EQ(std::get<Say>(script.steps[1]).voice.voice, "en-us");
  EXPECT_TRUE(std::holds_alternative<HangUp>(script.steps[2]));
}

TEST_F(CallScriptTest, ErrorsNameTheLineAndTheKey) {
  const auto message = error_of("steps:\n  - say: hi\n  - pause_ms: soon\n");
  EXPECT_TRUE(contains(message, "script.yaml:3:")) << message;
  EXPECT_TRUE(contains(message, "steps[1].pause_ms")) << message;
}

TEST_F(CallScriptTest, UnknownStepSuggestsTheClosestOne) {
  const auto message = error_of("steps:\n  - sya: hello\n");
  EXPECT_TRUE(contains(message, "did you mean 'say'")) << message;
}

TEST_F(CallScriptTest, RejectsMalformedSteps) {
  EXPECT_TRUE(contains(error_of("steps: [{say: hi, dtmf: '1'}]"), "one action"));
  EXPECT_TRUE(contains(error_of("steps: [{dtmf: '1x'}]"), "0-9"));
  EXPECT_TRUE(contains(error_of("steps: [{say: ''}]"), "must not be empty"));
  EXPECT_TRUE(contains(error_of("steps: [{say: hi, rate: 20}]"), "between 80 and 450"));
  EXPECT_TRUE(contains(error_of("steps: [{say_wav: missing.wav}]"), "no such file"));
  EXPECT_TRUE(contains(error_of("steps: [{barge_in: {after_agent_starts_ms: 100}}]"),
                       "either say or say_wav"));
  EXPECT_TRUE(contains(error_of("steps: [{wait_for_agent: {quiet: 5}}]"), "unknown key"));
  EXPECT_TRUE(contains(error_of("steps: [say]"), "only wait_for_agent and hang_up"));
  EXPECT_TRUE(contains(error_of("call: {from: '+1555'}\n"), "steps: is required"));
  EXPECT_TRUE(contains(error_of("steps: [hang_up]\nvoice: en\n"), "unknown key"));
}

TEST_F(CallScriptTest, LoadsAFileWithWavPathsRelativeToIt) {
  const auto path = dir_ / "script.yaml";
  std::ofstream(path) << "steps:\n  - say_wav: hello.wav\n";
  const auto script = load_call_script(path);
  EXPECT_EQ(std::get<SayWav>(script.steps[0]).path, dir_ / "hello.wav");
  EXPECT_THROW((void)load_call_script(dir_ / "absent.yaml"), core::Error);
}

TEST(CallScriptExampleTest, ExampleScriptParses) {
  const auto script =
      load_call_script(std::filesystem::path(PATTER_SOURCE_DIR) / "examples/simulate.yaml");
  EXPECT_EQ(script.call.custom_parameters.at("name"), "Ada");
  ASSERT_FALSE(script.steps.empty());
  EXPECT_TRUE(std::holds_alternative<HangUp>(script.steps.back()));
}

}  // namespace
}  // namespace patter::sim
