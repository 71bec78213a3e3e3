#include "fakes/saturated_listener.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace patter::fakes {

namespace {

constexpr int kMaxFillers = 32;
constexpr int kFillerConnectWaitMs = 200;

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// True when a non-blocking connect completed within the wait, false when it hangs.
bool connects_promptly(int socket_fd, std::uint16_t port) {
  const auto address = loopback(port);
  if (::connect(socket_fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0)
    return true;
  if (errno != EINPROGRESS) throw std::runtime_error("SaturatedListener: connect failed");
  pollfd waiting{socket_fd, POLLOUT, 0};
  return ::poll(&waiting, 1, kFillerConnectWaitMs) > 0;
}

}  // namespace

SaturatedListener::SaturatedListener() {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  auto address = loopback(0);
  socklen_t length = sizeof(address);
  if (listener_ < 0 ||
      ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listener_, 0) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("SaturatedListener: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  for (int i = 0; i < kMaxFillers; ++i) {
    const int filler = ::socket(AF_INET, SOCK_STREAM, 0);
    ::fcntl(filler, F_SETFL, ::fcntl(filler, F_GETFL) | O_NONBLOCK);
    fillers_.push_back(filler);
    if (!connects_promptly(filler, port_)) return;
  }
  throw std::runtime_error("SaturatedListener: the accept queue never filled up");
}

SaturatedListener::~SaturatedListener() {
  for (const int filler : fillers_) ::close(filler);
  if (listener_ >= 0) ::close(listener_);
}

std::string SaturatedListener::url(std::string_view scheme, std::string_view path) const {
  return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

}  // namespace patter::fakes
