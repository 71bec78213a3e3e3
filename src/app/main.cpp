#include <iostream>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/agent_config.hpp"
#include "app/dashboard_command.hpp"
#include "app/demo_command.hpp"
#include "app/serve_command.hpp"
#include "app/serve_config.hpp"
#include "app/simulate_command.hpp"
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

  patter::app::DemoOptions demo_options;
  std::optional<std::string> demo_database;
  bool demo_no_dashboard = false;
  std::string demo_log_level = "warn";
  auto* demo = app.add_subcommand(
      "demo", "Start the example agent on a free local port and call it with the simulated caller");
  demo->add_option("--agent", demo_options.agent, "Agent YAML file (default: the built-in examples/agent.yaml)")
      ->check(CLI::ExistingFile);
  demo->add_option("--script", demo_options.script,
                   "Call script (default: the built-in examples/demo-call.yaml; see docs/simulator.md)")
      ->check(CLI::ExistingFile);
  demo->add_option("--recording", demo_options.recording, "Stereo WAV of the call (default patter-demo.wav)");
  demo->add_option("--report", demo_options.report, "Write the caller's JSON report to this file (- for stdout)");
  demo->add_option("--dashboard-db", demo_database,
                   "SQLite file for the call record (default ~/.local/share/patter/calls.db)");
  demo->add_flag("--no-dashboard", demo_no_dashboard, "Keep no call record");
  demo->add_option("--llm-base-url", demo_options.llm_base_url,
                   "Answer with this OpenAI-compatible server (default: OpenAI when $OPENAI_API_KEY is set, "
                   "else keyword rules)");
  demo->add_option("--llm-model", demo_options.llm_model, "Model for --llm-base-url or OpenAI");
  demo->add_flag("--realtime", demo_options.realtime,
                 "The built-in agent on OpenAI Realtime, speech to speech (needs OPENAI_API_KEY)");
  demo->add_option("--openai-base-url", demo_options.openai_base_url,
                   "With --realtime: the Realtime WebSocket URL (default wss://api.openai.com/v1/realtime)");
  demo->add_option("--log-level", demo_log_level, "trace, debug, info, warn (default), error");

  patter::app::SimulateOptions simulate_options;
  std::string simulate_log_level = "warn";
  int simulate_max_duration_s = 600;
  auto* simulate = app.add_subcommand("simulate", "Call a running server as Twilio would, following a script");
  simulate->add_option("script", simulate_options.script, "Call script (see docs/simulator.md)")
      ->required()
      ->check(CLI::ExistingFile);
  simulate->add_option("--server", simulate_options.server_url,
                       "The server as this machine reaches it (default http://127.0.0.1:8000)");
  simulate->add_option("--public-host", simulate_options.public_host,
                       "The server's twilio.public_host, for signatures (default: the --server host)");
  simulate->add_option("--auth-token", simulate_options.auth_token,
                       "Twilio auth token to sign with (default $TWILIO_AUTH_TOKEN; unsigned without)");
  simulate->add_option("--stream-url", simulate_options.stream_url,
                       "Skip the voice webhook and open this media stream URL");
  simulate->add_option("--recording", simulate_options.recording, "Stereo WAV of the call");
  simulate->add_option("--report", simulate_options.report, "Write the JSON report to this file (- for stdout)");
  simulate->add_option("--max-duration", simulate_max_duration_s,
                       "End the call after this many seconds (default 600)")
      ->check(CLI::Range(1, 86400));
  simulate->add_option("--log-level", simulate_log_level, "trace, debug, info, warn (default), error");

  patter::app::DashboardCommandOptions dashboard_options;
  std::optional<std::string> dashboard_database;
  std::optional<std::string> dashboard_log_dir;
  std::string dashboard_web_root;
  std::string dashboard_log_level = "info";
  auto* dashboard = app.add_subcommand("dashboard", "Serve the web dashboard over stored calls (takes no calls)");
  dashboard->add_option("--log-dir", dashboard_log_dir, "Load the calls of this call log (PATTER_LOG_DIR layout)")
      ->check(CLI::ExistingDirectory);
  dashboard->add_option("--host", dashboard_options.host, "Address to bind (default 127.0.0.1, loopback only)");
  dashboard->add_option("--port", dashboard_options.port, "Port to listen on (default 8000; 0 picks a free port)");
  dashboard->add_option("--dashboard-db", dashboard_database,
                        "SQLite call store (default ~/.local/share/patter/calls.db; with --log-dir a private one)");
  dashboard->add_option("--token", dashboard_options.token,
                        "Token the API requires (default $PATTER_DASHBOARD_TOKEN; needed beyond loopback)");
  dashboard->add_option("--web-root", dashboard_web_root, "Folder of the built web app (default: searched)");
  dashboard->add_option("--log-level", dashboard_log_level, "trace, debug, info (default), warn, error");

  CLI11_PARSE(app, argc, argv);

  const auto init_cli_logging = [](const std::string& level_name) {
    const auto level = patter::core::parse_log_level(level_name);
    if (!level) {
      throw patter::core::Error(patter::core::Errc::config_invalid,
                                "--log-level must be trace, debug, info, warn or error");
    }
    patter::core::LogOptions log;
    log.level = *level;
    patter::core::init_logging(log);
  };

  try {
    if (serve->parsed()) {
      const auto config = patter::app::load_serve_config(config_path, overrides);
      patter::core::init_logging(config.log);
      return patter::app::run_serve(config, config_path);
    }
    if (demo->parsed()) {
      init_cli_logging(demo_log_level);
      if (!demo_no_dashboard) {
        demo_options.dashboard_database =
            demo_database ? std::filesystem::path(*demo_database) : patter::app::default_database_path();
      }
      return patter::app::run_demo(demo_options, std::cout);
    }
    if (dashboard->parsed()) {
      init_cli_logging(dashboard_log_level);
      if (dashboard_database) dashboard_options.database = *dashboard_database;
      if (dashboard_log_dir) dashboard_options.log_dir = *dashboard_log_dir;
      dashboard_options.web_root = dashboard_web_root;
      return patter::app::run_dashboard(dashboard_options, std::cout);
    }
    if (simulate->parsed()) {
      init_cli_logging(simulate_log_level);
      simulate_options.max_duration = std::chrono::seconds(simulate_max_duration_s);
      return patter::app::run_simulate(simulate_options, std::cout);
    }
    if (test->parsed()) {
      init_cli_logging(test_log_level);
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
