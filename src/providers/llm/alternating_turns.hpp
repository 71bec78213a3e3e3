#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <patter/providers.hpp>

namespace patter::providers {

// A conversation as the APIs want it that take the system prompt apart and the rest as turns
// alternating between the user and the assistant, the user first (Anthropic Messages, Gemini).
struct AlternatingTurns {
  struct Turn {
    Role role = Role::user;  // user (user text and tool results) or assistant
    std::vector<ChatMessage> messages;
  };
  std::string system;  // every system message, in order, joined by blank lines
  std::vector<Turn> turns;
};

// Stands in for the caller when the conversation opens with the agent's greeting: both APIs
// reject a conversation whose first turn is the assistant's.
inline constexpr std::string_view kCallOpening = "(the call is connected)";

// Regroups `messages`: consecutive messages of one side share a turn, tool results come first
// in theirs, empty messages are left out, and a conversation that would open with the assistant
// (or has no turn at all) opens with kCallOpening. Both APIs also reject a tool call without its
// result and a result without its call, which a reply interrupted mid-tool leaves in a history:
// such calls and results are left out. A result without its tool's name gets its call's (Gemini
// names each function response).
AlternatingTurns alternating_turns(const std::vector<ChatMessage>& messages);

}  // namespace patter::providers
