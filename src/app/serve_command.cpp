#include "app/serve_command.hpp"

#include <csignal>
#include <pthread.h>

#include <spdlog/spdlog.h>

#include "app/agent_config.hpp"
#include "core/error.hpp"
#include "patter/version.hpp"
#include "server/patter_server.hpp"

namespace patter::app {

namespace {

// Blocks SIGINT and SIGTERM in this thread and in every thread started after it, so the
// event loops never see them and the main thread can wait for them synchronously.
sigset_t block_shutdown_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

}  // namespace

int run_serve(const ServeConfig& config, const std::optional<std::string>& config_path) {
  const sigset_t signals = block_shutdown_signals();

  ProviderRuntime providers;
  AgentFile agent;
  server::PatterServerConfig server_config;
  server_config.host = config.host;
  server_config.port = config.port;
  server_config.threads = config.threads;
  server_config.drain_timeout = config.drain_timeout;
  server_config.dashboard = config.dashboard.enabled;
  server_config.database = config.dashboard.database;
  server_config.dashboard_token = config.dashboard.token;
  server_config.dashboard_web_root = config.dashboard.web_root;
  try {
    if (config.dashboard.enabled) server_config.call_log = dashboard::call_log_options_from_env(core::process_env());
    if (config.has_agent && config_path) {
      agent = load_agent_file(*config_path, providers);
      server_config.twilio = config.twilio;
      if (!config.twilio) spdlog::warn("an agent is configured but no carrier: add a `twilio` section to take calls");
    } else if (config.twilio) {
      spdlog::warn("a `twilio` section without an `agent` section: calls are refused");
    }
  } catch (const core::Error& e) {
    spdlog::critical("{}", e.what());
    return core::exit_code(e.code());
  }
  CallCallbacks callbacks;
  callbacks.on_message = std::move(agent.on_message);
  server::PatterServer server(std::move(server_config), std::move(agent.agent), std::move(callbacks));
  try {
    server.start();
  } catch (const core::Error& e) {
    spdlog::critical("{}", e.what());
    return core::exit_code(e.code());
  } catch (const std::filesystem::filesystem_error& e) {
    spdlog::critical("cannot create the call database folder: {}", e.what());
    return core::exit_code(core::Errc::config_invalid);
  }
  spdlog::info("patter {} listening on http://{}:{}", kVersion, config.host, server.port());
  if (config.dashboard.enabled) {
    spdlog::info("dashboard API at http://{}:{}/api/dashboard, calls stored in {}", config.host, server.port(),
                 config.dashboard.database.string());
  }
  if (config.twilio && config.has_agent) {
    spdlog::info("Twilio webhook: https://{}/webhooks/twilio/voice", config.twilio->public_host);
  }

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received {}, shutting down (drain up to {} ms)", received == SIGINT ? "SIGINT" : "SIGTERM",
               config.drain_timeout.count());
  server.stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace patter::app
