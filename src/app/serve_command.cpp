#include "app/serve_command.hpp"

#include <csignal>
#include <filesystem>
#include <optional>
#include <pthread.h>

#include <spdlog/spdlog.h>

#include "app/health_routes.hpp"
#include "core/error.hpp"
#include "dashboard/api_routes.hpp"
#include "net/http_server.hpp"
#include "net/loopback.hpp"
#include "patter/version.hpp"

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

int run_serve(const ServeConfig& config) {
  const sigset_t signals = block_shutdown_signals();

  // Declared before the router and server so they outlive every request that reads them.
  dashboard::DashboardEvents events;
  std::optional<dashboard::CallStore> store;
  net::IoPool pool(config.threads);
  net::Router router;
  add_health_routes(router);
  if (config.dashboard.enabled) {
    try {
      dashboard::validate_dashboard_exposure(config.host, config.dashboard.token);
      std::filesystem::create_directories(config.dashboard.database.parent_path());
      dashboard::CallStoreOptions store_options;
      store_options.database_path = config.dashboard.database;
      store.emplace(std::move(store_options), events.store_hook());
    } catch (const core::Error& e) {
      spdlog::critical("{}", e.what());
      return core::exit_code(e.code());
    } catch (const std::filesystem::filesystem_error& e) {
      spdlog::critical("cannot create the call database folder: {}", e.what());
      return core::exit_code(core::Errc::config_invalid);
    }
    dashboard::DashboardApiOptions api;
    api.token = config.dashboard.token;
    dashboard::add_dashboard_routes(router, *store, events, std::move(api));
  }

  net::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  net::HttpServer server(pool, router, options);
  try {
    server.start();
  } catch (const core::Error& e) {
    spdlog::critical("{}", e.what());
    return core::exit_code(e.code());
  }
  pool.start();
  spdlog::info("patter {} listening on http://{}:{} ({} event loops)", kVersion, config.host,
               server.port(), pool.size());
  if (!net::is_loopback_host(config.host)) {
    spdlog::warn("listening on {}: the server is reachable beyond this machine", config.host);
  }
  if (store) {
    spdlog::info("dashboard API at http://{}:{}/api/dashboard, calls stored in {}", config.host,
                 server.port(), config.dashboard.database.string());
  }

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received {}, shutting down (drain up to {} ms)", received == SIGINT ? "SIGINT" : "SIGTERM",
               config.drain_timeout.count());
  events.close();  // ends SSE streams so they do not hold the drain up
  server.stop(config.drain_timeout);
  pool.stop();
  pool.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace patter::app
