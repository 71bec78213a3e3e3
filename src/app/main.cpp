#include <iostream>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/agent_config.hpp"
#include "app/serve_command.hpp"
#include "server/text_conversation.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "patter/version.hpp"

int main(int argc, char** argv) {
  using patter::app::ServeOverrides;

  CLI::App app{"patter: give an AI agent a phone number", "patter"};
  app.set_version_flag("--version,-V", std::string("patter ") + patter::kVersion);
  app.require_subcommand(1);

  std::optional<std::string> config_path;
  ServeOverrides overrides;
  auto* serve = app.add_subcommand("serve", "Run the server: carrier webhooks, media streams, health");
  serve->add_option("config", config_path, "Agent/server YAML file")->check(CLI::ExistingFile);
  serve->add_option("--host", overrides.host, "Address to bind (default 127.0.0.1, loopback only)");
  serve->add_option("--port", overrides.port, "Port to listen on (default 8000; 0 picks a free port)");
  serve->add_option("--log-format", overrides.log_format, "human (default) or json");
  serve->add_option("--log-level", overrides.log_level, "trace, debug, info (default), warn, error");
  serve->add_option("--dashboard-db", overrides.dashboard_database,
                    "SQLite file for call records (default ~/.local/share/patter/calls.db)");
  serve->add_flag("--no-dashboard", overrides.no_dashboard, "Keep no call records and serve no dashboard API");

  std::string agent_path;
  std::string test_log_level = "warn";
  auto* test = app.add_subcommand("test", "Talk to an agent in the terminal, in text (no phone, no server)");
  test->add_option("agent", agent_path, "Agent YAML file (see docs/agent-yaml.md)")
      ->required()
      ->check(CLI::ExistingFile);
  test->add_option("--log-level", test_log_level, "trace, debug, info, warn (default), error");

  CLI11_PARSE(app, argc, argv);

  try {
    if (serve->parsed()) {
      const auto config = patter::app::load_serve_config(config_path, overrides);
      patter::core::init_logging(config.log);
      return patter::app::run_serve(config, config_path);
    }
    if (test->parsed()) {
      patter::core::LogOptions log;
      const auto level = patter::core::parse_log_level(test_log_level);
      if (!level) {
        std::cerr << "patter: --log-level must be trace, debug, info, warn or error\n";
        return patter::core::exit_code(patter::core::Errc::config_invalid);
      }
      log.level = *level;
      patter::core::init_logging(log);
      patter::app::ProviderRuntime runtime;
      auto file = patter::app::load_agent_file(agent_path, runtime);
      patter::CallCallbacks callbacks;
      callbacks.on_message = std::move(file.on_message);
      return patter::server::run_text_conversation(std::move(file.agent), std::move(callbacks), std::cin,
                                                   std::cout, isatty(STDIN_FILENO) == 0);
    }
  } catch (const patter::core::Error& e) {
    std::cerr << "patter: " << e.what() << "\n";
    return patter::core::exit_code(e.code());
  }
  return 0;
}
