#pragma once

#include <string_view>

namespace patter::net {

// True for "localhost" and loopback IP literals (127.0.0.0/8, ::1, "[::1]"): a server bound
// there is reachable from this machine only.
[[nodiscard]] bool is_loopback_host(std::string_view host);

}  // namespace patter::net
