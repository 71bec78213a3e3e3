#pragma once

#include <string>
#include <string_view>

namespace patter::core {

// "+" then 7 to 15 digits, the first not 0.
[[nodiscard]] bool is_e164(std::string_view number);

// "sip:" or "sips:" (any case), a user part, "@", a host name, IPv4 or [IPv6] literal, an optional
// port and optional ";name=value" parameters. Nothing that could break out of XML or JSON.
[[nodiscard]] bool is_sip_uri(std::string_view uri);

// What a call may be transferred to: an E.164 number or a SIP URI.
[[nodiscard]] bool is_transfer_target(std::string_view target);

// "***" followed by the last four characters, for logs; values of four characters or fewer
// become "***" alone so nothing short is shown whole.
[[nodiscard]] std::string mask_phone(std::string_view number);

}  // namespace patter::core
