#include "server_process.hpp"

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "server_http.hpp"

extern char** environ;

namespace patter::load {

namespace {

using namespace std::chrono_literals;

std::uint64_t status_field_kib(const std::string& status, std::string_view name) {
  const auto at = status.find(name);
  if (at == std::string::npos) return 0;
  return std::strtoull(status.c_str() + at + name.size(), nullptr, 10);
}

}  // namespace

ServerProcess::ServerProcess(const std::filesystem::path& patter, const std::filesystem::path& config,
                             const std::filesystem::path& log)
    : log_(log) {
  if (!std::filesystem::exists(patter)) {
    throw std::runtime_error("no patter binary at " + patter.string() + " (give --patter)");
  }
  std::vector<std::string> args = {patter.string(), "serve", config.string()};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int output = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (output < 0) throw std::runtime_error("cannot write " + log.string() + ": " + std::strerror(errno));
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    // Only async-signal-safe calls until exec. The server goes when the harness goes, even if
    // it crashes.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(output, STDOUT_FILENO);
    ::dup2(output, STDERR_FILENO);
    const int nothing = ::open("/dev/null", O_RDONLY);
    if (nothing >= 0) ::dup2(nothing, STDIN_FILENO);
    ::execve(argv[0], argv.data(), environ);
    ::_exit(127);
  }
  const int fork_error = errno;
  ::close(output);
  if (pid_ < 0) {
    throw std::runtime_error("cannot start " + patter.string() + ": " + std::strerror(fork_error));
  }
}

ServerProcess::~ServerProcess() { stop(); }

bool ServerProcess::running() const {
  if (pid_ <= 0 || exited_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    exited_ = true;
    status_ = status;
    return false;
  }
  return true;
}

void ServerProcess::wait_until_healthy(std::uint16_t port, std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) {
      throw std::runtime_error("the server exited while starting; its log ends with:\n" + log_tail());
    }
    try {
      if (http_get(port, "/health", {}, 1s).status == 200) return;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(100ms);
  }
  throw std::runtime_error("the server did not answer /health in time; its log ends with:\n" + log_tail());
}

ProcessSample ServerProcess::sample() const {
  ProcessSample out;
  out.at = std::chrono::steady_clock::now();
  std::ifstream stat_file("/proc/" + std::to_string(pid_) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces), counted from field 3 (state).
  const auto close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::vector<std::string> values;
    for (std::string value; fields >> value;) values.push_back(value);
    if (values.size() > 17) {
      const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
      out.cpu_seconds = (std::stod(values[11]) + std::stod(values[12])) / ticks;  // utime, stime
      out.threads = std::stoull(values[17]);
    }
  }
  std::ifstream status_file("/proc/" + std::to_string(pid_) + "/status");
  const std::string status((std::istreambuf_iterator<char>(status_file)), std::istreambuf_iterator<char>());
  out.rss_kib = status_field_kib(status, "VmRSS:");
  out.peak_rss_kib = status_field_kib(status, "VmHWM:");
  return out;
}

int ServerProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return status_;
  if (running()) {
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
      exited_ = true;
      pid_ = -1;
      return -1;
    }
  }
  pid_ = -1;
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

std::string ServerProcess::log_tail(std::size_t bytes) const {
  std::ifstream file(log_);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error(std::string("no free loopback port: ") + std::strerror(errno));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

void raise_open_file_limit(std::uint64_t needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    throw std::runtime_error(std::string("getrlimit: ") + std::strerror(errno));
  }
  if (limit.rlim_cur >= needed) return;
  if (limit.rlim_max < needed) {
    throw std::runtime_error("this load needs about " + std::to_string(needed) +
                             " open files but the hard limit is " + std::to_string(limit.rlim_max) +
                             " (raise it with ulimit -Hn or limits.conf)");
  }
  limit.rlim_cur = needed;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    throw std::runtime_error(std::string("setrlimit: ") + std::strerror(errno));
  }
}

}  // namespace patter::load
