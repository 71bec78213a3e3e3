#include "app/dashboard_command.hpp"

#include <pthread.h>
#include <stdlib.h>

#include <spdlog/spdlog.h>
#include <csignal>
#include <cstdlib>

#include "app/serve_config.hpp"
#include "core/error.hpp"
#include "dashboard/api_auth.hpp"
#include "dashboard/api_routes.hpp"
#include "dashboard/call_log_hydrate.hpp"
#include "dashboard/call_store.hpp"
#include "dashboard/dashboard_events.hpp"
#include "dashboard/static_routes.hpp"
#include "net/http_server.hpp"
#include "net/io_pool.hpp"
#include "net/router.hpp"
#include "server/health_routes.hpp"

namespace patter::app {
namespace {

constexpr std::chrono::seconds kDrainTimeout{5};

// A folder made for this run and removed with everything in it when the run ends.
class PrivateFolder {
 public:
  PrivateFolder() {
    auto pattern = (std::filesystem::temp_directory_path() / "patter-dashboard-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      throw core::Error(core::Errc::unavailable,
                        "cannot create a private folder for the call database");
    }
    path_ = pattern;
  }
  PrivateFolder(const PrivateFolder&) = delete;
  PrivateFolder& operator=(const PrivateFolder&) = delete;
  ~PrivateFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

sigset_t block_shutdown_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

std::string resolve_token(const DashboardCommandOptions& options) {
  if (!options.token.empty()) return options.token;
  const char* variable = std::getenv("PATTER_DASHBOARD_TOKEN");
  return variable ? variable : "";
}

int serve(const DashboardCommandOptions& options, std::ostream& out, const sigset_t& signals) {
  const auto token = resolve_token(options);
  dashboard::validate_dashboard_exposure(options.host, token);

  std::optional<PrivateFolder> private_folder;
  std::filesystem::path database;
  if (options.database) {
    database = *options.database;
  } else if (options.log_dir) {
    private_folder.emplace();
    database = private_folder->path() / "calls.db";
  } else {
    database = default_database_path();
  }
  if (database.has_parent_path()) std::filesystem::create_directories(database.parent_path());

  dashboard::DashboardEvents events;
  dashboard::StoreEventHook hook = events.store_hook();
  if (options.log_dir) hook = dashboard::remember_deletions_in(*options.log_dir, std::move(hook));
  dashboard::CallStoreOptions store_options;
  store_options.database_path = database;
  dashboard::CallStore store(std::move(store_options), std::move(hook));
  if (options.log_dir) {
    if (!std::filesystem::is_directory(*options.log_dir)) {
      throw core::Error(core::Errc::config_invalid,
                        "--log-dir " + options.log_dir->string() + " is not a folder");
    }
    const auto count = dashboard::hydrate_from_call_log(store, *options.log_dir);
    spdlog::info("loaded {} call(s) from the call log in {}", count, options.log_dir->string());
  }

  net::IoPool pool(2);
  net::Router router;
  server::add_health_routes(router);
  dashboard::DashboardApiOptions api;
  api.token = token;
  dashboard::add_dashboard_routes(router, store, events, std::move(api));
  dashboard::add_dashboard_web(router, options.web_root);
  net::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  net::HttpServer http(pool, router, server_options);
  http.start();
  pool.start();

  const std::string token_query = token.empty() ? "" : "/?token=...";
  out << "patter dashboard: http://" << options.host << ":" << http.port() << token_query << "\n"
      << "calls from "
      << (options.log_dir ? options.log_dir->string() + " (call log)" : database.string())
      << "; Ctrl-C stops\n"
      << std::flush;
  if (token.empty()) {
    spdlog::warn("the dashboard has no token: anyone who can reach {} can read call records",
                 options.host);
  }

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received {}, stopping the dashboard", received == SIGINT ? "SIGINT" : "SIGTERM");
  events.close();
  http.stop(kDrainTimeout);
  pool.stop();
  pool.join();
  return 0;
}

}  // namespace

int run_dashboard(const DashboardCommandOptions& options, std::ostream& out) {
  const sigset_t signals = block_shutdown_signals();
  try {
    return serve(options, out, signals);
  } catch (const core::Error& e) {
    spdlog::critical("{}", e.what());
    return core::exit_code(e.code());
  } catch (const std::filesystem::filesystem_error& e) {
    spdlog::critical("{}", e.what());
    return core::exit_code(core::Errc::config_invalid);
  }
}

}  // namespace patter::app
