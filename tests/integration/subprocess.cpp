#include "subprocess.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace patter::test {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

Subprocess::Subprocess(std::vector<std::string> argv) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  output_fd_ = pipe_fds[0];
  fcntl(output_fd_, F_SETFL, fcntl(output_fd_, F_GETFL) | O_NONBLOCK);
}

Subprocess::~Subprocess() {
  if (!exited_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (output_fd_ >= 0) close(output_fd_);
}

bool Subprocess::read_more(std::chrono::milliseconds timeout) {
  pollfd fd{output_fd_, POLLIN, 0};
  if (poll(&fd, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buffer[4096];
  const auto count = read(output_fd_, buffer, sizeof buffer);
  if (count <= 0) return false;
  output_.append(buffer, static_cast<std::size_t>(count));
  return true;
}

std::optional<std::string> Subprocess::wait_for_line(const std::string& needle,
                                                     std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    for (auto end = output_.find('\n', scanned_); end != std::string::npos;
         end = output_.find('\n', scanned_)) {
      std::string line = output_.substr(scanned_, end - scanned_);
      scanned_ = end + 1;
      if (line.find(needle) != std::string::npos) return line;
    }
    if (remaining_ms(deadline) == 0) return std::nullopt;
    if (!read_more(std::chrono::milliseconds(remaining_ms(deadline)))) {
      if (remaining_ms(deadline) == 0) return std::nullopt;
      pollfd fd{output_fd_, POLLIN, 0};
      if (poll(&fd, 1, 0) > 0 && (fd.revents & POLLHUP)) return std::nullopt;
    }
  }
}

void Subprocess::send_signal(int signal) { kill(pid_, signal); }

std::optional<int> Subprocess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exited_ = true;
      while (read_more(std::chrono::milliseconds(0))) {
      }
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    if (remaining_ms(deadline) == 0) return std::nullopt;
    read_more(std::chrono::milliseconds(10));
  }
}

std::string http_request(std::uint16_t port, const std::string& request,
                         std::chrono::milliseconds timeout) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    throw std::runtime_error("connect failed");
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const auto count = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (count <= 0) break;
    sent += static_cast<std::size_t>(count);
  }
  std::string response;
  const auto deadline = Clock::now() + timeout;
  while (remaining_ms(deadline) > 0) {
    pollfd poll_fd{fd, POLLIN, 0};
    if (poll(&poll_fd, 1, remaining_ms(deadline)) <= 0) break;
    char buffer[4096];
    const auto count = recv(fd, buffer, sizeof buffer, 0);
    if (count <= 0) break;
    response.append(buffer, static_cast<std::size_t>(count));
  }
  close(fd);
  return response;
}

}  // namespace patter::test
