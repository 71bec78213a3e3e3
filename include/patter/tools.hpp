#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <patter/conversation.hpp>

namespace patter {

// A function the language model may call. Exactly one of `handler` and `webhook_url` is set.
//
// A handler gets the arguments as JSON text and returns the result the model reads: plain text
// or JSON text. It runs on a worker thread, never on the call's event loop, so it may block; an
// exception becomes {"error": "...", "fallback": true} for the model.
//
// A webhook tool is POSTed {tool, arguments, call_id, caller, callee, attempt} and its response
// body (at most 1 MB) is the result; 10 s per attempt, 3 attempts 0.5 s apart, and private or
// loopback hosts are refused unless explicitly allowed.
struct Tool {
  using Handler = std::function<std::string(const std::string& arguments_json, const CallParties&)>;

  std::string name;
  std::string description;
  std::string parameters_json = R"({"type":"object","properties":{}})";
  Handler handler;
  std::string webhook_url;
};

// Blocks an agent sentence that contains one of `blocked_terms` (case-insensitive) or for which
// `check` returns true, and speaks `replacement` instead. A check that throws lets text pass.
struct Guardrail {
  std::string name;
  std::vector<std::string> blocked_terms;
  std::function<bool(std::string_view text)> check;
  std::string replacement = "I'm sorry, I can't respond to that.";
};

// Rewrites each sentence before it is spoken (after guardrails and hooks).
using TextTransform = std::function<std::string(std::string_view text)>;

}  // namespace patter
