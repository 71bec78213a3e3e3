#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace patter::session {

using Variables = std::map<std::string, std::string, std::less<>>;

// Replaces each {name} whose name is in `variables` with its value, in one pass (values are not
// expanded again). Unknown placeholders and lone braces are left as they are.
std::string substitute_variables(std::string_view template_text, const Variables& variables);

}  // namespace patter::session
