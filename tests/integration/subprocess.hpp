#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace patter::test {

// A child process with its stdout and stderr captured together, for tests that drive the real `patter` binary.
class Subprocess {
 public:
  explicit Subprocess(std::vector<std::string> argv);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Reads output until a line containing `needle` arrives; returns that line, or nullopt on
  // timeout or end of output.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout);
  void send_signal(int signal);
  // Waits for exit; returns the exit code, or nullopt on timeout (the child is then killed).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // Everything read so far.
  [[nodiscard]] const std::string& output() const { return output_; }

 private:
  bool read_more(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int output_fd_ = -1;
  std::string output_;
  std::size_t scanned_ = 0;
  bool exited_ = false;
};

// One HTTP/1.1 request over a fresh loopback connection; returns the raw response.
std::string http_request(std::uint16_t port, const std::string& request,
                         std::chrono::milliseconds timeout);

}  // namespace patter::test
