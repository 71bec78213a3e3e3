#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace patter::sim {

// Who calls whom, as the voice webhook and the stream's start message tell the server.
struct CallSetup {
  std::string from = "+15550001111";
  std::string to = "+15550002222";
  // Added to the start message's customParameters, after (and over) the TwiML <Parameter>s.
  std::map<std::string, std::string> custom_parameters;
};

// How a spoken line sounds (espeak-ng).
struct CallerVoice {
  std::string voice = "en-us";
  int rate_wpm = 175;  // 80..450
};

// Waits until the agent has been heard since the caller last spoke and has then been quiet for
// `quiet`. Running out of time is reported as an error and the script goes on.
struct WaitForAgent {
  std::chrono::milliseconds timeout{8000};
  std::chrono::milliseconds quiet{700};
};

struct Say {
  std::string text;
  CallerVoice voice;
};

struct SayWav {
  std::filesystem::path path;
};

struct Pause {
  std::chrono::milliseconds duration{0};
};

// Starts speaking `after_agent_starts` after the agent's current (or next) audio began: the
// text, or else the WAV.
struct BargeIn {
  std::chrono::milliseconds after_agent_starts{400};
  std::chrono::milliseconds timeout{8000};  // for the agent to start talking
  std::string text;
  CallerVoice voice;
  std::filesystem::path wav;
};

// One dtmf message per digit (0-9, *, #, A-D).
struct Dtmf {
  std::string digits;
};

struct HangUp {};

using ScriptStep = std::variant<WaitForAgent, Say, SayWav, Pause, BargeIn, Dtmf, HangUp>;

// The step's name as written in a script ("wait_for_agent", "say", ...).
[[nodiscard]] std::string_view step_name(const ScriptStep& step);

struct CallScript {
  CallSetup call;
  std::vector<ScriptStep> steps;
};

// Parses a script (format: docs/simulator.md). Relative say_wav paths are taken from
// `base_dir`, and each WAV must exist. Errors are core::Error(config_invalid) naming the source,
// line, column and key path.
[[nodiscard]] CallScript parse_call_script(std::string_view yaml_text, std::string source_name,
                                           const std::filesystem::path& base_dir = {});
// Reads a script file; relative WAV paths are taken from the file's directory.
[[nodiscard]] CallScript load_call_script(const std::filesystem::path& path);

}  // namespace patter::sim
