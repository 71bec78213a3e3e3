#include "session/builtin_tools.hpp"

#include <boost/json.hpp>

#include "core/phone_number.hpp"

namespace patter::session {

namespace {

boost::json::object parse_arguments(std::string_view arguments) {
  boost::system::error_code error;
  auto value = boost::json::parse(arguments, error);
  if (error || !value.is_object()) return {};
  return std::move(value.as_object());
}

std::string string_argument(const boost::json::object& arguments, std::string_view key) {
  const auto* value = arguments.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string{};
}

}  // namespace

std::vector<ToolSchema> builtin_tool_schemas() {
  return {
      ToolSchema{std::string(kTransferCallTool),
                 "Transfer the caller to another phone number or SIP address.",
                 R"({"type":"object","properties":{"number":{"type":"string",)"
                 R"("description":"E.164 number such as +15551234567, or a sip: URI"}},)"
                 R"("required":["number"]})"},
      ToolSchema{std::string(kEndCallTool), "End the call once the conversation is complete.",
                 R"({"type":"object","properties":{"reason":{"type":"string",)"
                 R"("description":"Why the call ends"}}})"},
  };
}

std::optional<BuiltinToolOutcome> run_builtin_tool(const ToolCall& call) {
  const auto arguments = parse_arguments(call.arguments);
  if (call.name == kTransferCallTool) {
    const std::string number = string_argument(arguments, "number");
    if (!core::is_transfer_target(number)) {
      return BuiltinToolOutcome{R"({"error":"Invalid phone number format","status":"rejected"})",
                                BuiltinToolOutcome::Action::none, {}};
    }
    boost::json::object result{{"status", "transferring"}, {"to", number}};
    return BuiltinToolOutcome{boost::json::serialize(result), BuiltinToolOutcome::Action::transfer,
                              number};
  }
  if (call.name == kEndCallTool) {
    std::string reason = string_argument(arguments, "reason");
    if (reason.empty()) reason = "conversation_complete";
    boost::json::object result{{"status", "ending"}, {"reason", reason}};
    return BuiltinToolOutcome{boost::json::serialize(result), BuiltinToolOutcome::Action::hang_up,
                              reason};
  }
  return std::nullopt;
}

}  // namespace patter::session
