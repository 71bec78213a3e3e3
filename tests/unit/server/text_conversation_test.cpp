#include "server/text_conversation.hpp"

#include <gtest/gtest.h>

#include <patter/embedded.hpp>

#include <sstream>

namespace patter::server {
namespace {

Agent shop_agent() {
  Agent agent;
  agent.system_prompt = "You run a bike shop.";
  agent.first_message = "Welcome to the bike shop, how can I help you today?";
  embedded::RulesOptions rules;
  rules.rules.push_back({{"open", "hours"}, "We are open from nine until six every weekday.", std::nullopt});
  rules.rules.push_back({{"bye"}, "Thanks for calling, goodbye!", ToolCall{"", "end_call", "{}"}});
  agent.llm = embedded::rules_brain(std::move(rules));
  return agent;
}

TEST(TextConversationTest, ATextCallRunsTheAgentLikeAPhoneCall) {
  std::istringstream in("when are you open\n/history\nok bye\nnever read\n");
  std::ostringstream out;
  std::vector<CallEndEvent> ends;
  CallCallbacks callbacks;
  callbacks.on_call_end = [&](const CallEndEvent& event) { ends.push_back(event); };
  EXPECT_EQ(run_text_conversation(shop_agent(), callbacks, in, out, true), 0);
  const std::string text = out.str();
  EXPECT_NE(text.find("agent> Welcome to the bike shop, how can I help you today?"), std::string::npos) << text;
  EXPECT_NE(text.find("you> when are you open\nagent> We are open from nine until six every weekday."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  user: when are you open"), std::string::npos) << text;
  EXPECT_NE(text.find("[the agent hung up]"), std::string::npos) << text;
  EXPECT_EQ(text.find("never read"), std::string::npos) << "input after the hang-up is not read";
  ASSERT_EQ(ends.size(), 1U);
  EXPECT_EQ(ends[0].transcript.back().text, "Call ended: conversation_complete");
}

TEST(TextConversationTest, CommandsHangUpAndRejectBadTransfers) {
  std::istringstream in("/transfer 555\n/hangup\n");
  std::ostringstream out;
  EXPECT_EQ(run_text_conversation(shop_agent(), {}, in, out, true), 0);
  EXPECT_NE(out.str().find("[cannot transfer: transfer target must be E.164"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("[call ended after 1 turns]"), std::string::npos) << out.str();
}

TEST(TextConversationTest, AnAgentWithoutBrainIsAClearError) {
  Agent agent;
  agent.system_prompt = "Nothing to answer with.";
  std::istringstream in("hello\n");
  std::ostringstream out;
  EXPECT_THROW(run_text_conversation(agent, {}, in, out, true), std::exception);
}

}  // namespace
}  // namespace patter::server
