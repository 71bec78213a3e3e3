#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>

#include <patter/agent.hpp>
#include <patter/brain.hpp>

#include "core/config.hpp"
#include "providers/embedded/espeak_engine.hpp"
#include "providers/embedded/serial_worker.hpp"

namespace patter::app {

// An agent described by a YAML file (docs/agent-yaml.md), its providers already built.
struct AgentFile {
  Agent agent;
  OnMessage on_message;  // only the remote form (url, secret) can come from YAML
};

// What building providers needs that outlives any one agent: the espeak-ng engine and the thread
// that decodes every pocketsphinx stream. Each is created on first use, so a file that never
// names espeak never loads espeak-ng.
//
// Thread-safe: the getters may be called from any thread. Create one runtime per process, since
// only one EspeakEngine may exist at a time. Providers share ownership of what they got, so it
// lives as long as the last agent using it; the last owner joins the worker thread, so never let
// the last provider go on that thread itself.
class ProviderRuntime {
 public:
  explicit ProviderRuntime(providers::EspeakEngineOptions espeak_options = {},
                           std::size_t pocketsphinx_queue_capacity = 256);
  ProviderRuntime(const ProviderRuntime&) = delete;
  ProviderRuntime& operator=(const ProviderRuntime&) = delete;
  ~ProviderRuntime() = default;

  // Throws core::Error from EspeakEngine's constructor (unavailable, conflict).
  [[nodiscard]] std::shared_ptr<providers::EspeakEngine> espeak_engine();
  [[nodiscard]] std::shared_ptr<providers::SerialWorker> pocketsphinx_worker();

 private:
  std::mutex mutex_;
  providers::EspeakEngineOptions espeak_options_;
  std::size_t pocketsphinx_queue_capacity_;
  std::shared_ptr<providers::EspeakEngine> espeak_engine_;
  std::shared_ptr<providers::SerialWorker> pocketsphinx_worker_;
};

// Reads the `agent` section of a YAML file. Throws core::Error: config_invalid with a
// "file:line:col: key.path: ..." message for anything wrong in the file, missing_credential,
// and the providers' own errors (e.g. unavailable when espeak-ng cannot load).
[[nodiscard]] AgentFile load_agent_file(const std::filesystem::path& path, ProviderRuntime& runtime,
                                        const core::EnvLookup& env = core::process_env());
// The same for YAML text; `source_name` stands for the file in messages.
[[nodiscard]] AgentFile parse_agent_yaml(std::string_view yaml, std::string_view source_name,
                                         ProviderRuntime& runtime,
                                         const core::EnvLookup& env = core::process_env());

}  // namespace patter::app
