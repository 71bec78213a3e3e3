#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <patter/tools.hpp>

namespace patter::session {

// The replacement of the first guardrail that blocks `text`, or nullopt when all let it pass.
// Terms match case-insensitively anywhere in the text; a check that throws lets the text pass.
std::optional<std::string> apply_guardrails(std::span<const Guardrail> guardrails,
                                            std::string_view text);

}  // namespace patter::session
