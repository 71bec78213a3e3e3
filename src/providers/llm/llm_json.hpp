#pragma once

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <patter/providers.hpp>

namespace patter::providers {

// JSON pieces the LLM clients share: reading stream events and error objects, and writing tool
// schemas and tool arguments into request bodies.

// The start of `data`, for messages about it.
std::string excerpt(std::string_view data, std::size_t limit = 120);

// Throws ChatStreamFormatError("malformed stream chunk: <what>").
[[noreturn]] void malformed_chunk(const std::string& what);

// The event's data as a JSON object; anything else is a ChatStreamFormatError.
boost::json::object parse_chunk(std::string_view data);

// A non-negative token count (0 when absent or null), tolerating the integer kinds and whole
// doubles JSON may give; anything else is a ChatStreamFormatError naming `where`.`key`.
std::int64_t token_count(const boost::json::object& object, std::string_view key,
                         std::string_view where);

// The "index" field, nothing when absent; anything but a non-negative integer is a
// ChatStreamFormatError naming `where`.index.
std::optional<std::size_t> index_field(const boost::json::object& object, std::string_view where);

// The string at `key`, null when absent or null; another type is a ChatStreamFormatError.
const boost::json::string* string_field(const boost::json::object& object, std::string_view key,
                                        std::string_view where);

// An error object's message with its code, type or status in brackets ("Overloaded
// (overloaded_error)"), the string itself for a string; nothing when it has neither.
std::optional<std::string> error_description(const boost::json::value& error);

// The tool's parameters as a JSON Schema object; an empty schema when none was given. Throws
// core::Error (config_invalid) when they are not a JSON object.
boost::json::value tool_parameters(const ToolSchema& tool);

// The call's arguments as an object. They came from the model; arguments that are not a JSON
// object (a model that broke off mid-call) are sent back as {} rather than failing the turn.
boost::json::object tool_arguments(const ToolCall& call);

}  // namespace patter::providers
