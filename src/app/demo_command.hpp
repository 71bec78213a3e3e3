#pragma once

#include <filesystem>
#include <optional>
#include <ostream>

#include "core/config.hpp"

namespace patter::app {

struct DemoOptions {
  std::optional<std::filesystem::path> agent;   // default: the built-in examples/agent.yaml
  std::optional<std::filesystem::path> script;  // default: the built-in examples/demo-call.yaml
  std::filesystem::path recording = "patter-demo.wav";
  std::optional<std::filesystem::path> report;  // JSON report of the simulated caller
  std::filesystem::path dashboard_database;     // empty: keep no call record
  // With the built-in agent: answer with this OpenAI-compatible server's model instead of the
  // keyword rules (Ollama, llama.cpp, vLLM...). Without it, $OPENAI_API_KEY selects OpenAI.
  std::string llm_base_url;
  std::string llm_model;  // default: the server's (required by most local servers)
  // The built-in agent as an OpenAI Realtime agent (speech to speech); needs $OPENAI_API_KEY.
  bool realtime = false;
  std::string openai_base_url;  // with realtime: the Realtime WebSocket URL (a fake, a proxy)
};

// `patter demo`: starts a server on a free loopback port with the agent, places one simulated
// Twilio call against it through the signed voice webhook and the media stream, and prints the
// transcript and latency figures from both ends. Returns the exit status: 0 when the call ran
// without errors and the server reported its end. Throws core::Error for bad files or options
// (missing_credential for --realtime without $OPENAI_API_KEY).
int run_demo(const DemoOptions& options, std::ostream& out,
             const core::EnvLookup& env = core::process_env());

}  // namespace patter::app
