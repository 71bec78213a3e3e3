#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace patter::net {

// Why a user-configured outbound URL (webhook tool, remote on_message) may or may not be used.
enum class OutboundUrlStatus {
  allowed,
  malformed,           // not an absolute URL, no host, or a host that is not plain ASCII
  scheme_not_allowed,  // anything but http, https, ws, wss
  credentials_in_url,  // user info ("user:pw@") is refused: it hides the real host from readers
  blocked_host,        // a name that always means this machine or a cloud metadata service
  blocked_address,     // a loopback, private, link-local, unspecified or reserved IP literal
};

struct OutboundUrlCheck {
  OutboundUrlStatus status = OutboundUrlStatus::malformed;
  bool insecure = false;  // http or ws: allowed, but the caller should warn
  std::string reason;     // for the log and the error message; empty when allowed

  [[nodiscard]] bool allowed() const { return status == OutboundUrlStatus::allowed; }
};

struct OutboundUrlPolicy {
  // Hosts exempt from the host and address rules, e.g. "127.0.0.1" for tests against a local
  // fake. IP literals match every spelling of the same address.
  std::vector<std::string> allowed_hosts;
};

// Decides from the URL text alone; no DNS lookup is made, so a public name that resolves to a
// private address is not caught here.
[[nodiscard]] OutboundUrlCheck check_outbound_url(std::string_view url,
                                                  const OutboundUrlPolicy& policy = {});

}  // namespace patter::net
