#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <patter/providers.hpp>

namespace patter::providers {

struct RuleToolCall {
  std::string name;  // called only when the request offers a tool of this name
  std::string arguments_json = "{}";
};

struct BrainRule {
  // The rule fires when any keyword (a word or phrase) occurs as whole words in the last user
  // message, ignoring ASCII case and punctuation: "hours" matches "Hours?" but not "ours".
  std::vector<std::string> keywords;
  std::string reply;
  std::optional<RuleToolCall> tool_call;
};

struct RulesBrainOptions {
  std::vector<BrainRule> rules;  // the first matching rule wins
  std::string fallback_reply = "Sorry, I did not catch that. Could you say it again?";
  // Said after a tool result; empty: the turn ends with no text.
  std::string tool_result_reply;
};

// A keyword → reply "language model" for demos with no credentials. It never greets: the first
// message is the agent's. Deterministic: the same request always streams the same events, posted
// to the call's executor one by one (reply word by word, tool call, usage, done); never inside
// stream(). A tool call's id is "call_rules_<n>", n counting the tool calls in the conversation.
class RulesBrain final : public LlmProvider {
 public:
  // Throws core::Error (config_invalid) for a rule without any keyword or a nameless tool call.
  explicit RulesBrain(RulesBrainOptions options);

  [[nodiscard]] std::string name() const override { return "rules"; }
  [[nodiscard]] std::string model() const override { return "rules-v1"; }
  // Throws std::invalid_argument when context.executor is null.
  std::unique_ptr<LlmStream> stream(const StreamContext& context, LlmRequest request,
                                    LlmEvents events) override;

 private:
  struct CompiledRule {
    std::vector<std::vector<std::string>> keywords;  // each keyword as lower-case words
    std::size_t rule = 0;                            // index in options_.rules
  };

  [[nodiscard]] const BrainRule* match(const std::string& message) const;

  RulesBrainOptions options_;
  std::vector<CompiledRule> compiled_;
};

}  // namespace patter::providers
