#include "providers/llm/alternating_turns.hpp"

#include <gtest/gtest.h>

namespace patter::providers {
namespace {

ChatMessage message(Role role, std::string content) {
  return ChatMessage{role, std::move(content), {}, {}, {}};
}

ChatMessage calls(std::vector<ToolCall> tool_calls, std::string content = {}) {
  return ChatMessage{Role::assistant, std::move(content), std::move(tool_calls), {}, {}};
}

ChatMessage result(std::string id, std::string name, std::string content) {
  return ChatMessage{Role::tool, std::move(content), {}, std::move(id), std::move(name)};
}

TEST(AlternatingTurns, SystemPromptsAreJoinedAndTakenApart) {
  const auto conversation =
      alternating_turns({message(Role::system, "Be brief."), message(Role::user, "Hi"),
                         message(Role::system, "Speak English.")});
  EXPECT_EQ(conversation.system, "Be brief.\n\nSpeak English.");
  ASSERT_EQ(conversation.turns.size(), 1u);
  EXPECT_EQ(conversation.turns[0].role, Role::user);
}

TEST(AlternatingTurns, TheAgentsGreetingFollowsAnOpeningUserTurn) {
  const auto conversation = alternating_turns({message(Role::system, "S"),
                                               message(Role::assistant, "Hello, how can I help?"),
                                               message(Role::user, "Opening hours?")});
  ASSERT_EQ(conversation.turns.size(), 3u);
  EXPECT_EQ(conversation.turns[0].role, Role::user);
  EXPECT_EQ(conversation.turns[0].messages[0].content, kCallOpening);
  EXPECT_EQ(conversation.turns[1].role, Role::assistant);
  EXPECT_EQ(conversation.turns[2].role, Role::user);
  EXPECT_EQ(alternating_turns({}).turns.size(), 1u);
}

TEST(AlternatingTurns, SameSideMessagesShareATurnAndResultsComeFirst) {
  const auto conversation = alternating_turns(
      {message(Role::user, "Weather?"),
       calls({ToolCall{"c1", "weather", "{}"}, ToolCall{"c2", "time", "{}"}}, "One moment."),
       message(Role::user, "Still there?"), result("c1", "weather", "sunny"),
       result("c2", "time", "noon"), message(Role::assistant, "Sunny at noon."),
       message(Role::assistant, "Anything else?")});
  ASSERT_EQ(conversation.turns.size(), 4u);
  const auto& answers = conversation.turns[2].messages;
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].tool_call_id, "c1");
  EXPECT_EQ(answers[1].tool_call_id, "c2");
  EXPECT_EQ(answers[2].content, "Still there?");
  EXPECT_EQ(conversation.turns[3].messages.size(), 2u);
}

TEST(AlternatingTurns, UnansweredCallsAndOrphanResultsAreLeftOut) {
  const auto conversation = alternating_turns(
      {message(Role::user, "Book it"),
       calls({ToolCall{"c1", "book", "{}"}, ToolCall{"c2", "pay", "{}"}}),
       result("c1", "book", "ok"), result("c9", "other", "stray"), message(Role::user, "Hello?"),
       calls({ToolCall{"c3", "book", "{}"}}), message(Role::user, "Are you there?")});
  ASSERT_EQ(conversation.turns.size(), 3u);
  ASSERT_EQ(conversation.turns[1].messages[0].tool_calls.size(), 1u);
  EXPECT_EQ(conversation.turns[1].messages[0].tool_calls[0].id, "c1");
  ASSERT_EQ(conversation.turns[2].messages.size(), 3u) << "c1's result, Hello?, Are you there?";
  EXPECT_EQ(conversation.turns[2].messages[0].tool_call_id, "c1");
  EXPECT_EQ(conversation.turns[2].messages[2].content, "Are you there?");
}

TEST(AlternatingTurns, AResultWithoutANameTakesItsCalls) {
  const auto conversation =
      alternating_turns({message(Role::user, "Time?"), calls({ToolCall{"c1", "get_time", "{}"}}),
                         result("c1", "", "noon")});
  EXPECT_EQ(conversation.turns.back().messages[0].name, "get_time");
}

TEST(AlternatingTurns, EmptyMessagesAreLeftOut) {
  const auto conversation = alternating_turns(
      {message(Role::user, "Hi"), message(Role::assistant, ""), message(Role::user, "")});
  ASSERT_EQ(conversation.turns.size(), 1u);
  EXPECT_EQ(conversation.turns[0].messages.size(), 1u);
}

}  // namespace
}  // namespace patter::providers
