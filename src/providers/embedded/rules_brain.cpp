#include "providers/embedded/rules_brain.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include "core/error.hpp"

namespace patter::providers {
namespace {

// Non-ASCII bytes count as letters, so UTF-8 words stay whole; only ASCII is case-folded.
bool is_word_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
         (byte >= '0' && byte <= '9') || byte == '\'' || byte >= 0x80;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : text) {
    if (is_word_char(c)) {
      word += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) {
    words.push_back(std::move(word));
  }
  return words;
}

bool contains_phrase(const std::vector<std::string>& words,
                     const std::vector<std::string>& phrase) {
  return std::search(words.begin(), words.end(), phrase.begin(), phrase.end()) != words.end();
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// "Hello there, friend" → "Hello", " there,", " friend": the deltas concatenate to the text.
std::vector<std::string> word_deltas(const std::string& text) {
  std::vector<std::string> deltas;
  std::size_t start = 0;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (is_space(text[i]) && !is_space(text[i - 1])) {
      deltas.push_back(text.substr(start, i - start));
      start = i;
    }
  }
  if (start < text.size()) {
    deltas.push_back(text.substr(start));
  }
  return deltas;
}

std::int64_t estimated_tokens(std::size_t chars) {
  return static_cast<std::int64_t>((chars + 3) / 4);
}

struct StreamState {
  std::atomic<bool> cancelled{false};
  LlmEvents events;
};

class RulesStream final : public LlmStream {
 public:
  explicit RulesStream(std::shared_ptr<StreamState> state) : state_(std::move(state)) {}
  ~RulesStream() override { cancel(); }
  RulesStream(const RulesStream&) = delete;
  RulesStream& operator=(const RulesStream&) = delete;

  void cancel() override { state_->cancelled.store(true); }

 private:
  std::shared_ptr<StreamState> state_;
};

}  // namespace

RulesBrain::RulesBrain(RulesBrainOptions options) : options_(std::move(options)) {
  for (std::size_t index = 0; index < options_.rules.size(); ++index) {
    const BrainRule& rule = options_.rules[index];
    CompiledRule compiled;
    compiled.rule = index;
    for (const auto& keyword : rule.keywords) {
      auto words = words_of(keyword);
      if (!words.empty()) {
        compiled.keywords.push_back(std::move(words));
      }
    }
    if (compiled.keywords.empty()) {
      throw core::Error(core::Errc::config_invalid,
                        "rules brain: rule " + std::to_string(index + 1) + " has no keyword");
    }
    if (rule.tool_call && rule.tool_call->name.empty()) {
      throw core::Error(
          core::Errc::config_invalid,
          "rules brain: rule " + std::to_string(index + 1) + " calls a nameless tool");
    }
    compiled_.push_back(std::move(compiled));
  }
}

const BrainRule* RulesBrain::match(const std::string& message) const {
  const auto words = words_of(message);
  for (const auto& compiled : compiled_) {
    for (const auto& keyword : compiled.keywords) {
      if (contains_phrase(words, keyword)) {
        return &options_.rules[compiled.rule];
      }
    }
  }
  return nullptr;
}

std::unique_ptr<LlmStream> RulesBrain::stream(const StreamContext& context, LlmRequest request,
                                              LlmEvents events) {
  if (!context.executor) {
    throw std::invalid_argument("rules brain: the stream context has no executor");
  }
  std::string reply;
  std::optional<ToolCall> tool_call;
  std::size_t input_chars = 0;
  std::size_t earlier_tool_calls = 0;
  for (const auto& message : request.messages) {
    input_chars += message.content.size();
    for (const auto& call : message.tool_calls) {
      input_chars += call.name.size() + call.arguments.size();
    }
    earlier_tool_calls += message.tool_calls.size();
  }

  if (!request.messages.empty() && request.messages.back().role == Role::tool) {
    reply = options_.tool_result_reply;
  } else {
    const auto last_user =
        std::find_if(request.messages.rbegin(), request.messages.rend(),
                     [](const ChatMessage& message) { return message.role == Role::user; });
    const BrainRule* rule =
        last_user == request.messages.rend() ? nullptr : match(last_user->content);
    reply = rule != nullptr ? rule->reply : options_.fallback_reply;
    const auto offered = [&request](const std::string& name) {
      return std::any_of(request.tools.begin(), request.tools.end(),
                         [&name](const ToolSchema& tool) { return tool.name == name; });
    };
    if (rule != nullptr && rule->tool_call && offered(rule->tool_call->name)) {
      tool_call = ToolCall{"call_rules_" + std::to_string(earlier_tool_calls + 1),
                           rule->tool_call->name, rule->tool_call->arguments_json};
    }
  }

  LlmUsage usage;
  usage.input_tokens = estimated_tokens(input_chars);
  usage.output_tokens = estimated_tokens(
      reply.size() + (tool_call ? tool_call->name.size() + tool_call->arguments.size() : 0));
  const FinishReason finish = tool_call ? FinishReason::tool_calls : FinishReason::stop;

  auto state = std::make_shared<StreamState>();
  state->events = std::move(events);
  Executor& executor = *context.executor;
  for (auto& delta : word_deltas(reply)) {
    executor.post([state, delta = std::move(delta)] {
      if (!state->cancelled.load() && state->events.on_text) state->events.on_text(delta);
    });
  }
  if (tool_call) {
    executor.post([state, call = std::move(*tool_call)] {
      if (!state->cancelled.load() && state->events.on_tool_call) state->events.on_tool_call(call);
    });
  }
  executor.post([state, usage] {
    if (!state->cancelled.load() && state->events.on_usage) state->events.on_usage(usage);
  });
  executor.post([state, finish] {
    if (!state->cancelled.exchange(true) && state->events.on_done) state->events.on_done(finish);
  });
  return std::make_unique<RulesStream>(state);
}

}  // namespace patter::providers
