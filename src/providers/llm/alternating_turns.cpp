#include "providers/llm/alternating_turns.hpp"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace patter::providers {

namespace {

using Answer = std::pair<std::size_t, std::string>;  // an assistant message's index, a call id

// The tool calls that got a result before the next assistant message.
std::set<Answer> answered_calls(const std::vector<ChatMessage>& messages) {
  std::set<Answer> answered;
  std::optional<std::size_t> assistant;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].role == Role::assistant) assistant = i;
    if (messages[i].role == Role::tool && assistant)
      answered.emplace(*assistant, messages[i].tool_call_id);
  }
  return answered;
}

void add(AlternatingTurns& conversation, Role side, ChatMessage message) {
  auto& turns = conversation.turns;
  if (turns.empty() || turns.back().role != side) turns.push_back({side, {}});
  turns.back().messages.push_back(std::move(message));
}

}  // namespace

AlternatingTurns alternating_turns(const std::vector<ChatMessage>& messages) {
  AlternatingTurns conversation;
  const auto answered = answered_calls(messages);
  // The latest assistant message's calls not yet answered, by id, with their tool's name.
  std::map<std::string, std::string> open_calls;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& message = messages[i];
    switch (message.role) {
      case Role::system:
        if (message.content.empty()) break;
        if (!conversation.system.empty()) conversation.system += "\n\n";
        conversation.system += message.content;
        break;
      case Role::user:
        if (!message.content.empty()) add(conversation, Role::user, message);
        break;
      case Role::assistant: {
        ChatMessage kept = message;
        std::erase_if(kept.tool_calls, [&](const ToolCall& call) {
          return !answered.contains(Answer{i, call.id});
        });
        open_calls.clear();
        for (const auto& call : kept.tool_calls) open_calls.emplace(call.id, call.name);
        if (!kept.content.empty() || !kept.tool_calls.empty())
          add(conversation, Role::assistant, std::move(kept));
        break;
      }
      case Role::tool: {
        const auto call = open_calls.find(message.tool_call_id);
        if (call == open_calls.end()) break;
        ChatMessage answer = message;
        if (answer.name.empty()) answer.name = call->second;
        open_calls.erase(call);
        add(conversation, Role::user, std::move(answer));
        break;
      }
    }
  }
  for (auto& turn : conversation.turns) {
    std::stable_partition(turn.messages.begin(), turn.messages.end(),
                          [](const ChatMessage& message) { return message.role == Role::tool; });
  }
  if (conversation.turns.empty() || conversation.turns.front().role != Role::user) {
    ChatMessage opening{Role::user, std::string(kCallOpening), {}, {}, {}};
    conversation.turns.insert(conversation.turns.begin(), {Role::user, {std::move(opening)}});
  }
  return conversation;
}

}  // namespace patter::providers
