#pragma once

#include <map>
#include <string>

#include "session/variables.hpp"

namespace patter::session {

// The variables a call's prompt and first message are filled with: the agent's own, overridden
// by the carrier's custom parameters. Those come from whoever placed the call, so they are kept
// printable and at most 500 characters long before they reach a prompt.
Variables call_variables(const std::map<std::string, std::string>& agent_variables,
                         const std::map<std::string, std::string>& custom_params);

}  // namespace patter::session
