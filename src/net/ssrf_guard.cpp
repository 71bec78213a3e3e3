#include "net/ssrf_guard.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace patter::net {

namespace {

namespace urls = boost::urls;
using Ipv6Bytes = urls::ipv6_address::bytes_type;

constexpr std::array<std::string_view, 7> kBlockedNames = {
    "localhost", "localhost.localdomain",    "ip6-localhost",     "ip6-loopback",
    "metadata",  "metadata.google.internal", "metadata.azure.com"};

struct Ipv4Range {
  std::uint32_t network;
  int prefix_length;
  std::string_view kind;
};

constexpr std::uint32_t ipv4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

constexpr std::array<Ipv4Range, 9> kBlockedIpv4 = {{
    {ipv4(0, 0, 0, 0), 8, "an unspecified (\"this network\")"},
    {ipv4(10, 0, 0, 0), 8, "a private"},
    {ipv4(100, 64, 0, 0), 10, "a carrier-grade NAT"},
    {ipv4(127, 0, 0, 0), 8, "a loopback"},
    {ipv4(169, 254, 0, 0), 16, "a link-local (cloud metadata)"},
    {ipv4(172, 16, 0, 0), 12, "a private"},
    {ipv4(192, 168, 0, 0), 16, "a private"},
    {ipv4(224, 0, 0, 0), 4, "a multicast"},
    {ipv4(240, 0, 0, 0), 4, "a reserved"},
}};

std::optional<std::string_view> blocked_ipv4_kind(std::uint32_t address) {
  for (const auto& range : kBlockedIpv4) {
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - range.prefix_length);
    if ((address & mask) == range.network) return range.kind;
  }
  return std::nullopt;
}

std::uint32_t embedded_ipv4(const Ipv6Bytes& bytes) {
  return ipv4(bytes[12], bytes[13], bytes[14], bytes[15]);
}

std::optional<std::string> blocked_ipv6_kind(const Ipv6Bytes& bytes) {
  const bool zero_prefix =
      std::all_of(bytes.begin(), bytes.begin() + 10, [](unsigned char b) { return b == 0; });
  if (zero_prefix && bytes[10] == 0xFF && bytes[11] == 0xFF) {
    if (const auto kind = blocked_ipv4_kind(embedded_ipv4(bytes))) {
      return std::string(*kind) + " IPv4-mapped";
    }
    return std::nullopt;
  }
  if (zero_prefix && bytes[10] == 0 && bytes[11] == 0) {
    if (embedded_ipv4(bytes) == 0) return "an unspecified";
    if (embedded_ipv4(bytes) == 1) return "a loopback";
    return "a deprecated IPv4-compatible";
  }
  if ((bytes[0] & 0xFE) == 0xFC) return "a unique local (private)";
  if (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80) return "a link-local";
  if (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0xC0) return "a deprecated site-local";
  if (bytes[0] == 0xFF) return "a multicast";
  return std::nullopt;
}

// A host reduced to one spelling, so "0x7f.1", "2130706433" and "127.0.0.1" compare equal.
struct Host {
  enum class Kind { invalid, name, ipv4, ipv6 };
  Kind kind = Kind::invalid;
  std::string name;  // lower case, without a trailing dot
  std::uint32_t v4 = 0;
  Ipv6Bytes v6{};

  static Host from_ipv4(std::uint32_t address) {
    Host host;
    host.kind = Kind::ipv4;
    host.v4 = address;
    return host;
  }
  static Host from_ipv6(const Ipv6Bytes& address) {
    Host host;
    host.kind = Kind::ipv6;
    host.v6 = address;
    return host;
  }
  static Host from_name(std::string lower_case_name) {
    Host host;
    host.kind = Kind::name;
    host.name = std::move(lower_case_name);
    return host;
  }

  bool operator==(const Host&) const = default;

  [[nodiscard]] std::string address_text() const {
    if (kind == Kind::ipv4) return urls::ipv4_address(v4).to_string();
    return "[" + urls::ipv6_address(v6).to_string() + "]";
  }
};

bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

// One part of an IPv4 address in the spellings inet_aton and browsers accept: decimal,
// "0x" hex or leading-zero octal. Values above 32 bits are clamped, as they are invalid anyway.
std::optional<std::uint64_t> parse_ipv4_part(std::string_view part) {
  if (part.empty()) return std::nullopt;
  unsigned base = 10;
  if (part.starts_with("0x")) {
    base = 16;
    part.remove_prefix(2);
  } else if (part.size() >= 2 && part[0] == '0') {
    base = 8;
    part.remove_prefix(1);
  }
  std::uint64_t value = 0;
  for (const char c : part) {
    unsigned digit = 0;
    if (is_ascii_digit(c)) {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    if (digit >= base) return std::nullopt;
    value = std::min<std::uint64_t>(value * base + digit, std::uint64_t{1} << 33);
  }
  return value;
}

// WHATWG's "ends in a number": the last label is decimal digits, or "0x" and hex digits.
bool looks_numeric(std::string_view label) {
  if (label.starts_with("0x")) return parse_ipv4_part(label).has_value();
  return !label.empty() && std::all_of(label.begin(), label.end(), is_ascii_digit);
}

// A name whose last label is a number is an IPv4 address in some spelling ("127.1",
// "2130706433", "0x7f.0.0.1") or is invalid; top-level domains are never numeric.
Host host_from_numeric_name(std::string_view name) {
  std::array<std::uint64_t, 4> parts{};
  std::size_t count = 0;
  while (true) {
    const auto dot = name.find('.');
    const auto value = parse_ipv4_part(name.substr(0, dot));
    if (!value || count == parts.size()) return {};
    parts[count++] = *value;
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  std::uint64_t address = 0;
  for (std::size_t i = 0; i + 1 < count; ++i) {
    if (parts[i] > 255) return {};
    address |= parts[i] << (8 * (3 - i));
  }
  const std::uint64_t last_limit = std::uint64_t{1} << (8 * (5 - count));
  if (parts[count - 1] >= last_limit) return {};
  address |= parts[count - 1];
  return Host::from_ipv4(static_cast<std::uint32_t>(address));
}

Host host_from_name(std::string_view decoded) {
  std::string name(decoded);
  std::transform(name.begin(), name.end(), name.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (name.ends_with('.')) name.pop_back();
  const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || is_ascii_digit(c) || c == '-' || c == '.' || c == '_';
  });
  if (!plain) return {};
  const auto last_label = std::string_view(name).substr(name.rfind('.') + 1);
  if (looks_numeric(last_label)) return host_from_numeric_name(name);
  return Host::from_name(std::move(name));
}

Host host_of(const urls::url_view& url) {
  switch (url.host_type()) {
    case urls::host_type::ipv4:
      return Host::from_ipv4(url.host_ipv4_address().to_uint());
    case urls::host_type::ipv6:
      return Host::from_ipv6(url.host_ipv6_address().to_bytes());
    case urls::host_type::name:
      return host_from_name(url.host_name());
    default:
      return {};
  }
}

Host host_from_text(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (const auto v6 = urls::parse_ipv6_address(text)) {
    return Host::from_ipv6(v6->to_bytes());
  }
  return host_from_name(text);
}

bool is_allow_listed(const Host& host, const OutboundUrlPolicy& policy) {
  return std::any_of(policy.allowed_hosts.begin(), policy.allowed_hosts.end(),
                     [&](const std::string& entry) { return host_from_text(entry) == host; });
}

std::optional<std::string> blocked_name_reason(const std::string& name) {
  const bool blocked =
      name.ends_with(".localhost") ||
      std::find(kBlockedNames.begin(), kBlockedNames.end(), name) != kBlockedNames.end();
  if (!blocked) return std::nullopt;
  return "host \"" + name + "\" refers to this machine or a cloud metadata service";
}

std::optional<std::string> blocked_address_reason(const Host& host, std::string_view written) {
  std::optional<std::string> kind;
  if (host.kind == Host::Kind::ipv6) {
    kind = blocked_ipv6_kind(host.v6);
  } else if (const auto v4_kind = blocked_ipv4_kind(host.v4)) {
    kind = std::string(*v4_kind);
  }
  if (!kind) return std::nullopt;
  std::string reason = "host " + std::string(written) + " is ";
  if (const auto text = host.address_text(); text != written) reason += text + ", ";
  return reason + *kind + " address";
}

OutboundUrlCheck refuse(OutboundUrlStatus status, std::string reason, bool insecure = false) {
  return {.status = status, .insecure = insecure, .reason = std::move(reason)};
}

}  // namespace

OutboundUrlCheck check_outbound_url(std::string_view text, const OutboundUrlPolicy& policy) {
  const auto parsed = urls::parse_absolute_uri(text);
  if (!parsed) return refuse(OutboundUrlStatus::malformed, "not an absolute URL");
  const urls::url_view& url = *parsed;

  const auto scheme = url.scheme_id();
  const bool secure = scheme == urls::scheme::https || scheme == urls::scheme::wss;
  const bool insecure = scheme == urls::scheme::http || scheme == urls::scheme::ws;
  if (!secure && !insecure) {
    return refuse(OutboundUrlStatus::scheme_not_allowed,
                  "scheme \"" + std::string(url.scheme()) + "\" is not http, https, ws or wss");
  }
  if (url.has_userinfo()) {
    return refuse(OutboundUrlStatus::credentials_in_url, "user info in the URL is not allowed",
                  insecure);
  }
  if (!url.has_authority() || url.encoded_host().empty()) {
    return refuse(OutboundUrlStatus::malformed, "the URL has no host", insecure);
  }
  const auto host = host_of(url);
  const std::string written(url.encoded_host());
  if (host.kind == Host::Kind::invalid) {
    return refuse(OutboundUrlStatus::malformed,
                  "host " + written + " is neither a plain ASCII name nor a valid IP address",
                  insecure);
  }
  if (!is_allow_listed(host, policy)) {
    if (host.kind == Host::Kind::name) {
      if (auto reason = blocked_name_reason(host.name)) {
        return refuse(OutboundUrlStatus::blocked_host, std::move(*reason), insecure);
      }
    } else if (auto reason = blocked_address_reason(host, written)) {
      return refuse(OutboundUrlStatus::blocked_address, std::move(*reason), insecure);
    }
  }
  return {.status = OutboundUrlStatus::allowed, .insecure = insecure, .reason = {}};
}

}  // namespace patter::net
