#include "sim/call_script.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "core/config.hpp"
#include "core/error.hpp"

namespace patter::sim {

namespace {

using core::ConfigNode;
using std::chrono::milliseconds;

constexpr std::int64_t kMaxWaitMs = 600'000;
constexpr std::int64_t kMaxOffsetMs = 60'000;

constexpr std::array<std::string_view, 7> kActions = {
    "wait_for_agent", "say", "say_wav", "pause_ms", "barge_in", "dtmf", "hang_up"};
// step_name() indexes kActions by the variant's alternative.
static_assert(std::variant_size_v<ScriptStep> == kActions.size());

milliseconds ms_or(const ConfigNode& node, std::string_view key, milliseconds fallback,
                   std::int64_t min, std::int64_t max) {
  return milliseconds(node.integer_or(key, fallback.count(), min, max));
}

std::string non_empty_string(const ConfigNode& node, std::string_view key) {
  auto text = node.required_string(key);
  if (std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; })) {
    throw node.error_at(key, "must not be empty");
  }
  return text;
}

CallerVoice parse_voice(const ConfigNode& node) {
  CallerVoice voice;
  voice.voice = node.string_or("voice", voice.voice);
  voice.rate_wpm = static_cast<int>(node.integer_or("rate", voice.rate_wpm, 80, 450));
  return voice;
}

WaitForAgent parse_wait(const ConfigNode& step) {
  step.reject_unknown_keys({"wait_for_agent"});
  const auto options = step.section("wait_for_agent");
  options.reject_unknown_keys({"timeout_ms", "quiet_ms"});
  WaitForAgent wait;
  wait.timeout = ms_or(options, "timeout_ms", wait.timeout, 1, kMaxWaitMs);
  wait.quiet = ms_or(options, "quiet_ms", wait.quiet, 0, kMaxOffsetMs);
  return wait;
}

std::filesystem::path existing_wav(const ConfigNode& node, const std::filesystem::path& base_dir) {
  std::filesystem::path path = non_empty_string(node, "say_wav");
  if (path.is_relative() && !base_dir.empty()) path = base_dir / path;
  if (!std::filesystem::is_regular_file(path)) {
    throw node.error_at("say_wav", "no such file: " + path.string());
  }
  return path;
}

BargeIn parse_barge_in(const ConfigNode& step, const std::filesystem::path& base_dir) {
  step.reject_unknown_keys({"barge_in"});
  const auto options = step.section("barge_in");
  options.reject_unknown_keys(
      {"after_agent_starts_ms", "timeout_ms", "say", "say_wav", "voice", "rate"});
  if (options.has("say") == options.has("say_wav")) {
    throw step.error_at("barge_in", "needs either say or say_wav: what the caller interrupts with");
  }
  BargeIn barge_in;
  barge_in.after_agent_starts =
      ms_or(options, "after_agent_starts_ms", barge_in.after_agent_starts, 0, kMaxOffsetMs);
  barge_in.timeout = ms_or(options, "timeout_ms", barge_in.timeout, 1, kMaxWaitMs);
  if (options.has("say")) {
    barge_in.text = non_empty_string(options, "say");
    barge_in.voice = parse_voice(options);
  } else {
    barge_in.wav = existing_wav(options, base_dir);
  }
  return barge_in;
}

Dtmf parse_dtmf(const ConfigNode& step) {
  step.reject_unknown_keys({"dtmf"});
  auto digits = non_empty_string(step, "dtmf");
  const auto valid = [](char c) {
    return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
  };
  if (!std::all_of(digits.begin(), digits.end(), valid)) {
    throw step.error_at("dtmf", "digits must be 0-9, *, # or A-D");
  }
  return Dtmf{std::move(digits)};
}

ScriptStep parse_action(const ConfigNode& step, std::string_view action,
                        const std::filesystem::path& base_dir) {
  if (action == "wait_for_agent") return parse_wait(step);
  if (action == "say") {
    step.reject_unknown_keys({"say", "voice", "rate"});
    return Say{non_empty_string(step, "say"), parse_voice(step)};
  }
  if (action == "say_wav") {
    step.reject_unknown_keys({"say_wav"});
    return SayWav{existing_wav(step, base_dir)};
  }
  if (action == "pause_ms") {
    step.reject_unknown_keys({"pause_ms"});
    if (!step.has("pause_ms")) throw step.error_at("pause_ms", "is required");
    return Pause{ms_or(step, "pause_ms", milliseconds(0), 0, kMaxWaitMs)};
  }
  if (action == "barge_in") return parse_barge_in(step, base_dir);
  if (action == "dtmf") return parse_dtmf(step);
  step.reject_unknown_keys({"hang_up"});
  step.section("hang_up").reject_unknown_keys({});
  return HangUp{};
}

ScriptStep parse_step(const ConfigNode& step, const std::filesystem::path& base_dir) {
  if (!step.is_map()) {
    const auto name = step.scalar();
    if (name == "wait_for_agent") return WaitForAgent{};
    if (name == "hang_up") return HangUp{};
    throw step.error_at("",
                        "expected a step such as {say: \"hello\"}; only wait_for_agent and "
                        "hang_up may stand alone");
  }
  std::vector<std::string> actions;
  for (const auto& key : step.keys()) {
    if (std::find(kActions.begin(), kActions.end(), key) != kActions.end()) actions.push_back(key);
  }
  if (actions.empty()) {
    step.reject_unknown_keys(
        {"wait_for_agent", "say", "say_wav", "pause_ms", "barge_in", "dtmf", "hang_up"});
    throw step.error_at("", "empty step");
  }
  if (actions.size() > 1) {
    throw step.error_at(actions[1],
                        "a step has one action, and this one already has " + actions[0]);
  }
  return parse_action(step, actions[0], base_dir);
}

CallSetup parse_setup(const ConfigNode& root) {
  const auto call = root.section("call");
  call.reject_unknown_keys({"from", "to", "custom_parameters"});
  CallSetup setup;
  setup.from = call.string_or("from", setup.from);
  setup.to = call.string_or("to", setup.to);
  const auto parameters = call.section("custom_parameters");
  for (const auto& name : parameters.keys()) {
    setup.custom_parameters[name] = parameters.string_or(name, "");
  }
  return setup;
}

}  // namespace

std::string_view step_name(const ScriptStep& step) {
  return kActions.at(step.index());
}

CallScript parse_call_script(std::string_view yaml_text, std::string source_name,
                             const std::filesystem::path& base_dir) {
  const auto root = ConfigNode::parse(yaml_text, std::move(source_name));
  root.reject_unknown_keys({"call", "steps"});
  CallScript script;
  script.call = parse_setup(root);
  const auto steps = root.list("steps");
  if (steps.empty()) throw root.error_at("steps", "is required: a list of at least one step");
  for (const auto& step : steps) script.steps.push_back(parse_step(step, base_dir));
  return script;
}

CallScript load_call_script(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw core::Error(core::Errc::config_invalid, path.string() + ": cannot open script");
  std::ostringstream text;
  text << file.rdbuf();
  return parse_call_script(text.str(), path.string(), path.parent_path());
}

}  // namespace patter::sim
