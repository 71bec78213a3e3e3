#include "app/serve_command.hpp"

#include <csignal>
#include <pthread.h>

#include <spdlog/spdlog.h>

#include "app/health_routes.hpp"
#include "core/error.hpp"
#include "net/http_server.hpp"
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

  net::IoPool pool(config.threads);
  net::Router router;
  add_health_routes(router);

  net::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.log_error = [](std::string_view line) { spdlog::error("{}", line); };
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
  if (config.host != "127.0.0.1" && config.host != "localhost" && config.host != "::1") {
    spdlog::warn("listening on {}: the server is reachable beyond this machine", config.host);
  }

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received {}, shutting down (drain up to {} ms)", received == SIGINT ? "SIGINT" : "SIGTERM",
               config.drain_timeout.count());
  server.stop(config.drain_timeout);
  pool.stop();
  pool.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace patter::app
