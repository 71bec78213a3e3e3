#pragma once

#include <string>
#include <string_view>

namespace patter::core {

// Makes any caller-supplied value safe as XML 1.0 text or as a quoted attribute value (TwiML):
// escapes & < > " ' and drops what XML 1.0 forbids (control characters other than tab, LF and
// CR, U+FFFE, U+FFFF) as well as bytes that are not well-formed UTF-8.
[[nodiscard]] std::string xml_escape(std::string_view text);

}  // namespace patter::core
