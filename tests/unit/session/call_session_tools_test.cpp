#include <gtest/gtest.h>

#include <stdexcept>

#include "call_session_harness.hpp"

namespace patter::testing {
namespace {

// Text-only calls: the brain, tools and hooks do not depend on audio.
class ToolsAndHooksTest : public ::testing::Test {
 protected:
  ToolsAndHooksTest() : h(true, "text") {
    h.agent.stt = nullptr;
    h.agent.tts = nullptr;
  }
  void say(const std::string& text) {
    h.session->submit_user_text(text);
    h.settle();
  }

  Harness h;
};

TEST_F(ToolsAndHooksTest, AHandlerToolRoundTrip) {
  std::vector<std::string> seen_arguments;
  std::thread::id handler_thread;
  h.agent.tools.push_back(Tool{"lookup_order", "Finds an order",
                               R"({"type":"object","properties":{"id":{"type":"string"}}})",
                               [&](const std::string& arguments, const CallParties& call) {
                                 seen_arguments.push_back(arguments + "|" + call.call_id);
                                 return std::string(R"({"status":"shipped"})");
                               },
                               {}});
  h.llm->script(FakeLlm::Answer{{"Let me check that for you now."},
                                {ToolCall{"call_1", "lookup_order", R"({"id":"A17"})"}}, 0ms, 0ms, std::nullopt});
  h.llm->script_text("Your order A17 has shipped already.");
  h.start();
  say("Where is order A17?");

  ASSERT_EQ(seen_arguments.size(), 1U);
  EXPECT_EQ(seen_arguments[0], R"({"id":"A17"}|CA0123)");
  ASSERT_EQ(h.llm->requests.size(), 2U);
  // The tools are offered, built-ins included.
  const auto& tools = h.llm->requests[0].tools;
  ASSERT_EQ(tools.size(), 3U);
  EXPECT_EQ(tools[0].name, "lookup_order");
  EXPECT_EQ(tools[1].name, "transfer_call");
  EXPECT_EQ(tools[2].name, "end_call");
  // The second request carries the assistant's tool call and the tool's result, and the user's
  // message only once.
  const auto& messages = h.llm->requests[1].messages;
  ASSERT_EQ(messages.size(), 4U);
  EXPECT_EQ(messages[1].content, "Where is order A17?");
  EXPECT_EQ(messages[2].role, Role::assistant);
  ASSERT_EQ(messages[2].tool_calls.size(), 1U);
  EXPECT_EQ(messages[2].tool_calls[0].id, "call_1");
  EXPECT_EQ(messages[3].role, Role::tool);
  EXPECT_EQ(messages[3].tool_call_id, "call_1");
  EXPECT_EQ(messages[3].name, "lookup_order");
  EXPECT_EQ(messages[3].content, R"({"status":"shipped"})");
  EXPECT_EQ(h.carrier->texts,
            (std::vector<std::string>{"Let me check that for you now.", "Your order A17 has shipped already."}));
  EXPECT_EQ(std::count_if(messages.begin(), messages.end(),
                          [](const ChatMessage& m) { return m.role == Role::user; }),
            1);
}

TEST_F(ToolsAndHooksTest, AToolThatThrowsGivesTheModelAnErrorAndTheCallGoesOn) {
  h.agent.tools.push_back(Tool{"flaky", "", R"({"type":"object","properties":{}})",
                               [](const std::string&, const CallParties&) -> std::string {
                                 throw std::runtime_error("database down");
                               },
                               {}});
  h.llm->script(FakeLlm::Answer{{}, {ToolCall{"c1", "flaky", "{}"}}, 0ms, 0ms, std::nullopt});
  h.llm->script_text("Sorry, I cannot reach the system right now.");
  h.start();
  say("Check it please, thank you so much.");
  ASSERT_EQ(h.llm->requests.size(), 2U);
  EXPECT_EQ(h.llm->requests[1].messages.back().content, R"({"error":"database down","fallback":true})");
  EXPECT_EQ(h.carrier->texts.back(), "Sorry, I cannot reach the system right now.");
}

TEST_F(ToolsAndHooksTest, TheToolLoopStopsAfterTenIterations) {
  h.agent.tools.push_back(Tool{"again", "", R"({"type":"object","properties":{}})",
                               [](const std::string&, const CallParties&) { return std::string("more"); },
                               {}});
  for (int i = 0; i < 12; ++i) {
    h.llm->script(FakeLlm::Answer{{}, {ToolCall{"c" + std::to_string(i), "again", "{}"}}, 0ms, 0ms, std::nullopt});
  }
  h.start();
  say("Loop forever, if you can manage it.");
  EXPECT_EQ(h.llm->requests.size(), 10U);
  EXPECT_EQ(h.session->state().agent, AgentState::listening);
}

TEST_F(ToolsAndHooksTest, TransferCallChecksTheNumberThenTransfersAfterSpeaking) {
  h.llm->script(FakeLlm::Answer{{}, {ToolCall{"t1", "transfer_call", R"({"number":"12345"})"}}, 0ms, 0ms, std::nullopt});
  h.llm->script(FakeLlm::Answer{{}, {ToolCall{"t2", "transfer_call", R"({"number":"+15551234567"})"}}, 0ms, 0ms, std::nullopt});
  h.llm->script_text("I am transferring you to a colleague now.");
  std::vector<CallEndEvent> ends;
  h.callbacks.on_call_end = [&](const CallEndEvent& e) { ends.push_back(e); };
  h.start();
  say("Put me through to a human please.");
  ASSERT_EQ(h.llm->requests.size(), 3U);
  EXPECT_EQ(h.llm->requests[1].messages.back().content,
            R"({"error":"Invalid phone number format","status":"rejected"})");
  EXPECT_EQ(h.llm->requests[2].messages.back().content, R"({"status":"transferring","to":"+15551234567"})");
  EXPECT_EQ(h.carrier->transfers, (std::vector<std::string>{"+15551234567"}));
  EXPECT_EQ(h.carrier->texts.back(), "I am transferring you to a colleague now.");
  EXPECT_TRUE(h.session->ended());
  const auto history = h.session->history();
  EXPECT_EQ(history.back().role, "system");
  EXPECT_EQ(history.back().text, "Call transferred to +15551234567");
  ASSERT_EQ(ends.size(), 1U);
}

TEST_F(ToolsAndHooksTest, EndCallHangsUpAfterTheGoodbye) {
  h.llm->script(FakeLlm::Answer{{"Thanks for calling, goodbye!"}, {ToolCall{"e1", "end_call", "{}"}}, 0ms, 0ms, std::nullopt});
  h.llm->script_text("");
  h.start();
  say("That is all I needed, bye now.");
  EXPECT_EQ(h.carrier->hang_ups, 1);
  EXPECT_TRUE(h.session->ended());
  EXPECT_EQ(h.llm->requests[1].messages.back().content, R"({"status":"ending","reason":"conversation_complete"})");
  EXPECT_EQ(h.session->history().back().text, "Call ended: conversation_complete");
}

TEST_F(ToolsAndHooksTest, AfterTranscribeCanVetoOrReplaceTheTurn) {
  h.agent.hooks.after_transcribe = [](const std::string& text, const HookContext&) -> std::optional<std::string> {
    if (text.find("secret") != std::string::npos) return std::nullopt;
    return text + " (rephrased)";
  };
  h.llm->script_text("Alright, noted on my side.");
  h.start();
  say("Tell me the secret code now.");
  EXPECT_TRUE(h.llm->requests.empty());
  ASSERT_EQ(h.session->metrics().turns().size(), 1U);
  EXPECT_TRUE(h.session->metrics().turns()[0].interrupted());
  h.advance(1s);
  say("Book me a table for two.");
  ASSERT_EQ(h.llm->requests.size(), 1U);
  EXPECT_EQ(h.llm->requests[0].messages.back().content, "Book me a table for two. (rephrased)");
}

TEST_F(ToolsAndHooksTest, BeforeLlmReplacesTheMessagesOncePerTurn) {
  int calls = 0;
  h.agent.hooks.before_llm = [&](const std::vector<ChatMessage>& messages,
                                 const HookContext&) -> std::optional<std::vector<ChatMessage>> {
    ++calls;
    auto changed = messages;
    changed.insert(changed.begin() + 1, ChatMessage{Role::system, "Be brief.", {}, {}, {}});
    return changed;
  };
  h.llm->script(FakeLlm::Answer{{}, {ToolCall{"e1", "end_call", "{}"}}, 0ms, 0ms, std::nullopt});
  h.llm->script_text("Goodbye then, have a lovely day.");
  h.start();
  say("I would like to end this call.");
  EXPECT_EQ(calls, 1);
  ASSERT_EQ(h.llm->requests.size(), 2U);
  EXPECT_EQ(h.llm->requests[0].messages[1].content, "Be brief.");
  EXPECT_EQ(h.llm->requests[1].messages[1].content, "Be brief.");
}

TEST_F(ToolsAndHooksTest, SentenceHooksRunInOrderAndFailOpen) {
  h.agent.guardrails.push_back(Guardrail{"no-competitors", {"acme"}, nullptr, "I can only talk about our products."});
  h.agent.guardrails.push_back(Guardrail{"broken", {}, [](std::string_view) -> bool { throw std::runtime_error("x"); }, "never"});
  h.agent.hooks.after_llm.on_sentence = [](const std::string& s, const HookContext&) -> std::optional<std::string> {
    if (s.starts_with("Drop")) return std::string{};
    if (s.starts_with("Explode")) throw std::runtime_error("hook bug");
    return std::nullopt;
  };
  h.agent.text_transforms.push_back([](std::string_view s) { return std::string(s) + "!"; });
  h.agent.hooks.before_synthesize = [](const std::string& s, const HookContext&) -> std::optional<std::string> {
    if (s.starts_with("Skip")) return std::nullopt;
    return s;
  };
  h.llm->script(FakeLlm::Answer{{"Acme sells cheaper phones than us. ", "Drop this sentence please now. ",
                                 "Skip this sentence as well now. ", "Explode but keep this one anyway. ",
                                 "Our phones are the best in town."},
                                {}, 0ms, 0ms, std::nullopt});
  h.start();
  say("Which phone should I buy today?");
  EXPECT_EQ(h.carrier->texts, (std::vector<std::string>{"I can only talk about our products.!",
                                                         "Explode but keep this one anyway.!",
                                                         "Our phones are the best in town.!"}));
}

TEST_F(ToolsAndHooksTest, OnResponseSeesTheWholeReply) {
  h.agent.hooks.after_llm.on_response = [](const std::string& reply, const HookContext&) -> std::optional<std::string> {
    return "Summary: " + reply;
  };
  h.agent.hooks.after_llm.on_chunk = [](std::string_view chunk) { return std::string(chunk) == "bad " ? "" : std::string(chunk); };
  h.llm->script(FakeLlm::Answer{{"It is ", "bad ", "open until nine tonight."}, {}, 0ms, 0ms, std::nullopt});
  h.start();
  say("When do you close tonight?");
  EXPECT_EQ(h.carrier->texts, (std::vector<std::string>{"Summary: It is open until nine tonight."}));
}

TEST_F(ToolsAndHooksTest, OnMessageFunctionsAnswerInsteadOfAModel) {
  Harness sync(true, "text");
  sync.agent.stt = nullptr;
  sync.agent.tts = nullptr;
  sync.agent.llm = nullptr;
  std::vector<MessageContext> seen;
  sync.callbacks.on_message.reply = [&](const MessageContext& context) {
    seen.push_back(context);
    return std::string("You said: ") + context.text;
  };
  sync.start();
  sync.session->submit_user_text("hello out there");
  sync.settle();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].call.callee, "+15550002222");
  ASSERT_TRUE(seen[0].control);
  EXPECT_EQ(sync.carrier->texts, (std::vector<std::string>{"You said: hello out there"}));

  Harness streaming(true, "text");
  streaming.agent.stt = nullptr;
  streaming.agent.tts = nullptr;
  streaming.agent.llm = nullptr;
  std::shared_ptr<ReplyWriter> kept;
  streaming.callbacks.on_message.stream = [&](const MessageContext&, std::shared_ptr<ReplyWriter> writer) {
    writer->write("First part of the answer is here. Second ");
    kept = writer;  // finished later, as an async brain would
  };
  streaming.start();
  streaming.session->submit_user_text("go on then");
  streaming.settle();
  EXPECT_EQ(streaming.carrier->texts, (std::vector<std::string>{"First part of the answer is here."}));
  kept->write("part arrives later.");
  kept->finish();
  kept->write("ignored after finish");
  streaming.settle();
  EXPECT_EQ(streaming.carrier->texts,
            (std::vector<std::string>{"First part of the answer is here.", "Second part arrives later."}));
}

TEST_F(ToolsAndHooksTest, EventsOfATurnWithAToolArriveInOrder) {
  std::vector<std::string> trail;
  h.agent.tools.push_back(Tool{"noop", "", R"({"type":"object","properties":{}})",
                               [](const std::string&, const CallParties&) { return std::string("ok"); }, {}});
  h.llm->script(FakeLlm::Answer{{}, {ToolCall{"n1", "noop", "{}"}}, 0ms, 0ms, std::nullopt});
  h.llm->script_text("Done with that, anything else?");
  h.start();
  auto subscription = h.session->events().on_any([&](const CallEvent& e) {
    if (e.type != EventType::conversation_state_changed) trail.emplace_back(to_string(e.type));
  });
  say("Please do the thing for me.");
  EXPECT_EQ(trail, (std::vector<std::string>{"turn_started", "tool_call_started", "llm_metrics", "llm_chunk",
                                             "turn_ended", "metrics_collected"}));
}

TEST_F(ToolsAndHooksTest, DtmfIsATranscriptLine) {
  std::vector<TranscriptEvent> lines;
  h.callbacks.on_transcript = [&](const TranscriptEvent& e) { lines.push_back(e); };
  h.start();
  h.session->on_dtmf('5');
  h.settle();
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].text, "[DTMF: 5]");
  EXPECT_EQ(lines[0].role, "user");
}

TEST_F(ToolsAndHooksTest, UsageOrACharacterEstimateIsBilled) {
  h.llm->script(FakeLlm::Answer{{"Twelve chars"}, {}, 0ms, 0ms, LlmUsage{1000, 500, 0, 0, {}}});
  h.llm->script_text("Another reply without usage.");
  h.start();
  say("First question for the model?");
  const double with_usage = h.session->cost().llm;
  // gpt-4o-mini: $0.15 / 1M input, $0.60 / 1M output.
  EXPECT_NEAR(with_usage, 1000 * 0.15e-6 + 500 * 0.6e-6, 1e-9);
  h.advance(1s);
  say("Second question for the model?");
  EXPECT_GT(h.session->cost().llm, with_usage);
}

}  // namespace
}  // namespace patter::testing

namespace patter::testing {
namespace {

class RecordingWebhooks final : public session::ToolWebhookClient {
 public:
  struct Cancel final : session::Cancellable {
    void cancel() override {}
  };
  std::unique_ptr<session::Cancellable> invoke(const Tool& tool, const ToolCall& call, const CallParties& parties,
                                               std::function<void(std::string)> done) override {
    calls.push_back(tool.webhook_url + " " + call.arguments + " " + parties.call_id);
    done(R"({"weather":"sunny"})");
    return std::make_unique<Cancel>();
  }
  std::vector<std::string> calls;
};

class ScriptedRemoteBrain final : public session::RemoteBrainClient {
 public:
  struct Cancel final : session::Cancellable {
    void cancel() override {}
  };
  std::unique_ptr<session::Cancellable> ask(const OnMessage& remote, const MessageContext& turn,
                                            std::shared_ptr<ReplyWriter> writer) override {
    asked.push_back(remote.url + " " + turn.text);
    writer->write("The remote brain says hello to you. ");
    writer->write("And then it says more.");
    writer->finish();
    return std::make_unique<Cancel>();
  }
  std::vector<std::string> asked;
};

TEST(RemoteServicesTest, WebhookToolsGoThroughTheWebhookClient) {
  Harness h(true, "text");
  h.agent.stt = nullptr;
  h.agent.tts = nullptr;
  auto webhooks = std::make_shared<RecordingWebhooks>();
  h.tool_webhooks = webhooks;
  h.agent.tools.push_back(Tool{"weather", "", R"({"type":"object","properties":{}})", {}, "https://tools.example.com/weather"});
  h.llm->script(FakeLlm::Answer{{}, {ToolCall{"w1", "weather", R"({"city":"Oslo"})"}}, 0ms, 0ms, std::nullopt});
  h.llm->script_text("It is sunny in Oslo today.");
  h.start();
  h.session->submit_user_text("What is the weather in Oslo?");
  h.settle();
  EXPECT_EQ(webhooks->calls, (std::vector<std::string>{R"(https://tools.example.com/weather {"city":"Oslo"} CA0123)"}));
  EXPECT_EQ(h.llm->requests[1].messages.back().content, R"({"weather":"sunny"})");
  EXPECT_EQ(h.carrier->texts.back(), "It is sunny in Oslo today.");
}

TEST(RemoteServicesTest, ARemoteOnMessageStreamsItsAnswer) {
  Harness h(true, "text");
  h.agent.stt = nullptr;
  h.agent.tts = nullptr;
  h.agent.llm = nullptr;
  auto brain = std::make_shared<ScriptedRemoteBrain>();
  h.remote_brain = brain;
  h.callbacks.on_message.url = "https://brain.example.com/turn";
  h.start();
  h.session->submit_user_text("hello remote brain");
  h.settle();
  EXPECT_EQ(brain->asked, (std::vector<std::string>{"https://brain.example.com/turn hello remote brain"}));
  EXPECT_EQ(h.carrier->texts,
            (std::vector<std::string>{"The remote brain says hello to you.", "And then it says more."}));
}

}  // namespace
}  // namespace patter::testing
