#include "core/phone_number.hpp"

#include <algorithm>
#include <cstddef>

namespace patter::core {

namespace {

constexpr std::size_t kMinE164Digits = 7;
constexpr std::size_t kMaxE164Digits = 15;
constexpr std::size_t kMaxSipUriLength = 256;
constexpr std::size_t kMaskedTail = 4;
constexpr std::string_view kMask = "***";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_one_of(char c, std::string_view set) {
  return set.find(c) != std::string_view::npos;
}

bool starts_with_icase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char p, char t) {
           return p == (is_alpha(t) ? static_cast<char>(t | 0x20) : t);
         });
}

// RFC 3261 characters for the user part and for parameters, with "%HH" escapes.
bool is_escaped_text(std::string_view text, std::string_view extra) {
  if (text.empty()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
      i += 2;
    } else if (!is_alnum(c) && !is_one_of(c, "-_.!~*'()") && !is_one_of(c, extra)) {
      return false;
    }
  }
  return true;
}

bool is_host_name(std::string_view host) {
  if (host.empty() || host.back() == '.') return false;
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= host.size(); ++i) {
    if (i < host.size() && host[i] != '.') {
      if (!is_alnum(host[i]) && host[i] != '-') return false;
      continue;
    }
    const auto label = host.substr(label_start, i - label_start);
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    label_start = i + 1;
  }
  return true;
}

bool is_ipv6_reference(std::string_view host) {
  return host.size() > 2 && host.front() == '[' && host.back() == ']' &&
         std::all_of(host.begin() + 1, host.end() - 1,
                     [](char c) { return is_hex(c) || c == ':' || c == '.'; });
}

bool is_port(std::string_view port) {
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) {
    return false;
  }
  return std::stoul(std::string(port)) <= 65535;
}

// host [":" port] *(";" param)
bool is_sip_host_part(std::string_view rest) {
  const auto params_at = rest.find(';');
  const auto hostport = rest.substr(0, params_at);
  const auto port_at = hostport.rfind(':');
  const bool has_port = port_at != std::string_view::npos && !hostport.ends_with(']') &&
                        (hostport.front() != '[' || port_at > hostport.rfind(']'));
  const auto host = has_port ? hostport.substr(0, port_at) : hostport;
  if (has_port && !is_port(hostport.substr(port_at + 1))) return false;
  if (!is_host_name(host) && !is_ipv6_reference(host)) return false;
  if (params_at == std::string_view::npos) return true;
  auto params = rest.substr(params_at + 1);
  while (true) {
    const auto end = params.find(';');
    if (!is_escaped_text(params.substr(0, end), "=[]/:&+$")) return false;
    if (end == std::string_view::npos) return true;
    params.remove_prefix(end + 1);
  }
}

}  // namespace

bool is_e164(std::string_view number) {
  if (number.size() < 1 + kMinE164Digits || number.size() > 1 + kMaxE164Digits) return false;
  if (number.front() != '+' || number[1] == '0') return false;
  return std::all_of(number.begin() + 1, number.end(), is_digit);
}

bool is_sip_uri(std::string_view uri) {
  if (uri.size() > kMaxSipUriLength) return false;
  std::string_view rest;
  if (starts_with_icase(uri, "sip:")) {
    rest = uri.substr(4);
  } else if (starts_with_icase(uri, "sips:")) {
    rest = uri.substr(5);
  } else {
    return false;
  }
  const auto at = rest.rfind('@');
  if (at == std::string_view::npos) return false;
  return is_escaped_text(rest.substr(0, at), "&=+$,;?/") && is_sip_host_part(rest.substr(at + 1));
}

bool is_transfer_target(std::string_view target) {
  return is_e164(target) || is_sip_uri(target);
}

std::string mask_phone(std::string_view number) {
  if (number.size() <= kMaskedTail) return std::string(kMask);
  std::string masked(kMask);
  masked += number.substr(number.size() - kMaskedTail);
  return masked;
}

}  // namespace patter::core
