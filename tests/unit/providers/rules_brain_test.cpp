#include "providers/embedded/rules_brain.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/manual_executor.hpp"

namespace patter::providers {
namespace {

BrainRule rule(std::vector<std::string> keywords, std::string reply,
               std::optional<RuleToolCall> tool_call = std::nullopt) {
  BrainRule result;
  result.keywords = std::move(keywords);
  result.reply = std::move(reply);
  result.tool_call = std::move(tool_call);
  return result;
}

RuleToolCall tool(std::string name, std::string arguments) {
  RuleToolCall call;
  call.name = std::move(name);
  call.arguments_json = std::move(arguments);
  return call;
}

ChatMessage message(Role role, std::string content) {
  ChatMessage result;
  result.role = role;
  result.content = std::move(content);
  return result;
}

ToolSchema schema(std::string name) {
  ToolSchema result;
  result.name = std::move(name);
  result.description = "test tool";
  result.parameters_json = R"({"type":"object"})";
  return result;
}

RulesBrainOptions demo_options() {
  RulesBrainOptions options;
  options.rules = {
      rule({"opening hours", "hours"}, "We are open from nine to five, Monday to Friday."),
      rule({"bye", "goodbye"}, "Goodbye, have a nice day!",
           tool("end_call", R"({"reason":"caller said goodbye"})")),
      rule({"price"}, "It costs ten euros."),
  };
  return options;
}

LlmRequest ask(const std::string& text, std::vector<ToolSchema> tools = {}) {
  LlmRequest request;
  request.messages = {message(Role::system, "You are a demo."), message(Role::user, text)};
  request.tools = std::move(tools);
  return request;
}

// Every event in arrival order, as text, plus the pieces tests look at.
struct Recording {
  std::vector<std::string> log;
  std::vector<std::string> deltas;
  std::vector<ToolCall> tool_calls;
  std::vector<LlmUsage> usages;
  std::vector<FinishReason> finishes;
  std::vector<std::string> errors;
  std::unique_ptr<LlmStream>* stream_to_cancel_on_first_text = nullptr;

  LlmEvents events() {
    LlmEvents events;
    events.on_text = [this](std::string_view delta) {
      log.push_back("text:" + std::string(delta));
      deltas.emplace_back(delta);
      if (stream_to_cancel_on_first_text != nullptr) {
        (*stream_to_cancel_on_first_text)->cancel();
      }
    };
    events.on_tool_call = [this](const ToolCall& call) {
      log.push_back("tool:" + call.name);
      tool_calls.push_back(call);
    };
    events.on_usage = [this](const LlmUsage& usage) {
      log.emplace_back("usage");
      usages.push_back(usage);
    };
    events.on_done = [this](FinishReason reason) {
      log.emplace_back("done");
      finishes.push_back(reason);
    };
    events.on_error = [this](const std::string& message) { errors.push_back(message); };
    return events;
  }

  [[nodiscard]] std::string text() const {
    std::string joined;
    for (const auto& delta : deltas) joined += delta;
    return joined;
  }
};

class RulesBrainTest : public ::testing::Test {
 protected:
  Recording run(const std::string& user_text, std::vector<ToolSchema> tools = {}) {
    return run_request(ask(user_text, std::move(tools)));
  }
  Recording run_request(LlmRequest request) {
    Recording recording;
    auto stream = brain.stream(context, std::move(request), recording.events());
    executor->run_pending();
    return recording;
  }

  RulesBrain brain{demo_options()};
  std::shared_ptr<core::ManualExecutor> executor = std::make_shared<core::ManualExecutor>();
  StreamContext context{"call-1", "en", executor};
};

TEST_F(RulesBrainTest, NamesItself) {
  EXPECT_EQ(brain.name(), "rules");
  EXPECT_EQ(brain.model(), "rules-v1");
}

TEST_F(RulesBrainTest, StreamsTheReplyWordByWordOnlyWhenTheExecutorRuns) {
  Recording recording;
  auto stream = brain.stream(context, ask("What are your opening hours?"), recording.events());
  EXPECT_TRUE(recording.log.empty());
  EXPECT_GT(executor->pending(), 0U);

  executor->run_pending();
  EXPECT_EQ(recording.text(), "We are open from nine to five, Monday to Friday.");
  ASSERT_EQ(recording.deltas.size(), 10U);
  EXPECT_EQ(recording.deltas[0], "We");
  EXPECT_EQ(recording.deltas[1], " are");
  EXPECT_EQ(recording.deltas[9], " Friday.");
  EXPECT_EQ(recording.log[recording.log.size() - 2], "usage");
  EXPECT_EQ(recording.log.back(), "done");
  EXPECT_EQ(recording.finishes, std::vector{FinishReason::stop});
  EXPECT_TRUE(recording.tool_calls.empty());
  EXPECT_TRUE(recording.errors.empty());
  EXPECT_EQ(executor->pending(), 0U);
}

TEST_F(RulesBrainTest, KeywordsIgnoreCaseAndPunctuation) {
  EXPECT_EQ(run("WHAT ARE YOUR HOURS?!").text(),
            "We are open from nine to five, Monday to Friday.");
  EXPECT_EQ(run("Opening-Hours, please").text(),
            "We are open from nine to five, Monday to Friday.");
  EXPECT_EQ(run("and the Price?").text(), "It costs ten euros.");
}

TEST_F(RulesBrainTest, KeywordsMatchWholeWordsOnly) {
  const std::string fallback = "Sorry, I did not catch that. Could you say it again?";
  EXPECT_EQ(run("Is this one ours?").text(), fallback);
  EXPECT_EQ(run("yours or theirs, hourslong detours").text(), fallback);
  EXPECT_EQ(run("the prices went up").text(), fallback);
  EXPECT_EQ(run("hours opening").text(), "We are open from nine to five, Monday to Friday.");
}

TEST_F(RulesBrainTest, PhrasesNeedTheirWordsTogetherAndInOrder) {
  RulesBrainOptions options;
  options.rules = {rule({"speak to a human"}, "Transferring you now.")};
  options.fallback_reply = "Pardon?";
  brain = RulesBrain(options);
  EXPECT_EQ(run("Can I speak to a human please").text(), "Transferring you now.");
  EXPECT_EQ(run("a human, can I speak to one").text(), "Pardon?");
}

TEST_F(RulesBrainTest, FallbackWhenNothingMatches) {
  const auto recording = run("Tell me a joke");
  EXPECT_EQ(recording.text(), "Sorry, I did not catch that. Could you say it again?");
  EXPECT_EQ(recording.finishes, std::vector{FinishReason::stop});
}

TEST_F(RulesBrainTest, OnlyTheLastUserMessageCountsAndTheFirstMatchingRuleWins) {
  LlmRequest request = ask("What are your hours?");
  request.messages.push_back(message(Role::assistant, "Nine to five."));
  request.messages.push_back(message(Role::user, "What is the price? OK, bye"));
  EXPECT_EQ(run_request(request).text(), "Goodbye, have a nice day!");
}

TEST_F(RulesBrainTest, ToolCallIsEmittedOnlyWhenTheRequestOffersTheTool) {
  const auto offered = run("ok goodbye", {schema("transfer_call"), schema("end_call")});
  EXPECT_EQ(offered.text(), "Goodbye, have a nice day!");
  ASSERT_EQ(offered.tool_calls.size(), 1U);
  EXPECT_EQ(offered.tool_calls[0],
            (ToolCall{"call_rules_1", "end_call", R"({"reason":"caller said goodbye"})"}));
  EXPECT_EQ(offered.finishes, std::vector{FinishReason::tool_calls});
  const std::vector<std::string> tail(offered.log.end() - 3, offered.log.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"tool:end_call", "usage", "done"}));

  const auto not_offered = run("ok goodbye", {schema("transfer_call")});
  EXPECT_EQ(not_offered.text(), "Goodbye, have a nice day!");
  EXPECT_TRUE(not_offered.tool_calls.empty());
  EXPECT_EQ(not_offered.finishes, std::vector{FinishReason::stop});
}

TEST_F(RulesBrainTest, ToolCallIdsCountTheConversationsEarlierCalls) {
  LlmRequest request = ask("hours", {schema("end_call")});
  ChatMessage earlier = message(Role::assistant, "");
  earlier.tool_calls = {ToolCall{"call_x", "lookup", "{}"}};
  request.messages.push_back(earlier);
  request.messages.push_back(message(Role::user, "bye"));
  const auto recording = run_request(request);
  ASSERT_EQ(recording.tool_calls.size(), 1U);
  EXPECT_EQ(recording.tool_calls[0].id, "call_rules_2");
}

TEST_F(RulesBrainTest, AfterAToolResultItSaysTheConfiguredAcknowledgement) {
  LlmRequest request = ask("bye", {schema("end_call")});
  ChatMessage result = message(Role::tool, R"({"ok":true})");
  result.tool_call_id = "call_rules_1";
  result.name = "end_call";
  request.messages.push_back(result);

  const auto silent = run_request(request);
  EXPECT_TRUE(silent.deltas.empty());
  EXPECT_TRUE(silent.tool_calls.empty());
  EXPECT_EQ(silent.log, (std::vector<std::string>{"usage", "done"}));
  EXPECT_EQ(silent.finishes, std::vector{FinishReason::stop});

  RulesBrainOptions options = demo_options();
  options.tool_result_reply = "All done.";
  brain = RulesBrain(options);
  EXPECT_EQ(run_request(request).text(), "All done.");
}

TEST_F(RulesBrainTest, UsageEstimatesAQuarterTokenPerCharacter) {
  // Input: "You are a demo." (15) + "price" (5) = 20 chars; output: "It costs ten euros." (19).
  const auto recording = run("price");
  ASSERT_EQ(recording.usages.size(), 1U);
  EXPECT_EQ(recording.usages[0].input_tokens, 5);
  EXPECT_EQ(recording.usages[0].output_tokens, 5);
}

TEST_F(RulesBrainTest, SameRequestGivesTheSameEvents) {
  const auto first = run("bye now", {schema("end_call")});
  const auto second = run("bye now", {schema("end_call")});
  EXPECT_EQ(first.log, second.log);
  EXPECT_EQ(first.tool_calls, second.tool_calls);
}

TEST_F(RulesBrainTest, CancelStopsFurtherEvents) {
  Recording recording;
  auto stream = brain.stream(context, ask("hours"), recording.events());
  recording.stream_to_cancel_on_first_text = &stream;
  executor->run_pending();
  EXPECT_EQ(recording.log, std::vector<std::string>{"text:We"});

  Recording before_running;
  auto cancelled = brain.stream(context, ask("hours"), before_running.events());
  cancelled->cancel();
  executor->run_pending();
  EXPECT_TRUE(before_running.log.empty());
}

TEST_F(RulesBrainTest, DestroyingTheStreamStopsItsEvents) {
  Recording recording;
  brain.stream(context, ask("hours", {schema("end_call")}), recording.events()).reset();
  EXPECT_GT(executor->run_pending(), 0U);
  EXPECT_TRUE(recording.log.empty());
}

TEST_F(RulesBrainTest, NeedsAnExecutor) {
  StreamContext no_executor{"call-1", "en", nullptr};
  EXPECT_THROW(brain.stream(no_executor, ask("hours"), {}), std::invalid_argument);
}

TEST(RulesBrainSetup, RejectsRulesThatCouldNeverFireOrCallNoTool) {
  RulesBrainOptions no_keyword;
  no_keyword.rules = {rule({"", "?!"}, "never")};
  EXPECT_THROW(RulesBrain{no_keyword}, core::Error);
  RulesBrainOptions nameless_tool;
  nameless_tool.rules = {rule({"bye"}, "Bye.", tool("", "{}"))};
  EXPECT_THROW(RulesBrain{nameless_tool}, core::Error);
}

}  // namespace
}  // namespace patter::providers
