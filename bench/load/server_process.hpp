#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace patter::load {

// What /proc says about a process at one moment.
struct ProcessSample {
  std::chrono::steady_clock::time_point at;
  double cpu_seconds = 0.0;  // user + system, since it started
  std::uint64_t rss_kib = 0;
  std::uint64_t peak_rss_kib = 0;
  std::uint64_t threads = 0;
};

// `patter serve FILE` as a child process on a free loopback port, its output in a log file.
// Stopped (SIGTERM, then SIGKILL) by stop() or the destructor.
class ServerProcess {
 public:
  // Throws std::runtime_error when the binary cannot be started.
  ServerProcess(const std::filesystem::path& patter, const std::filesystem::path& config,
                const std::filesystem::path& log);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Waits until GET /health answers 200; throws std::runtime_error (with the log's tail) if the
  // process exits or `limit` passes first.
  void wait_until_healthy(std::uint16_t port, std::chrono::milliseconds limit) const;
  [[nodiscard]] ProcessSample sample() const;
  [[nodiscard]] bool running() const;
  // Waits up to `grace` after SIGTERM; returns the exit status (-1 when it had to be killed).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(15));

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::string log_tail(std::size_t bytes = 2000) const;

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_;
  mutable bool exited_ = false;
  mutable int status_ = 0;
};

// A port nobody listens on right now (bound and released on 127.0.0.1).
[[nodiscard]] std::uint16_t free_loopback_port();

// Raises the soft open-file limit to what `needed` sockets take (the server inherits it).
// Throws std::runtime_error naming both numbers when the hard limit is lower.
void raise_open_file_limit(std::uint64_t needed);

}  // namespace patter::load
