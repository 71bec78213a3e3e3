#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <patter/providers.hpp>

namespace patter::session {

inline constexpr std::string_view kTransferCallTool = "transfer_call";
inline constexpr std::string_view kEndCallTool = "end_call";

// The schemas of transfer_call{number} and end_call{reason}.
std::vector<ToolSchema> builtin_tool_schemas();

struct BuiltinToolOutcome {
  std::string result;  // JSON text for the model
  // What to do once the agent has finished speaking: transfer to `target` or hang up.
  enum class Action : std::uint8_t { none, transfer, hang_up } action = Action::none;
  std::string argument;  // transfer target, or hang-up reason
};

// nullopt when `call` is not a built-in tool. A transfer target that is not E.164 or a sip: URI
// is rejected in the result and triggers nothing.
std::optional<BuiltinToolOutcome> run_builtin_tool(const ToolCall& call);

}  // namespace patter::session
