#pragma once

// What a call needs from the network beyond its providers: webhook tools and remote on_message
// brains. The session sees only these interfaces; src/session/remote implements them over HTTP
// and WebSocket clients.

#include <functional>
#include <memory>
#include <string>

#include <patter/brain.hpp>
#include <patter/providers.hpp>
#include <patter/tools.hpp>

namespace patter::session {

// Something in flight that can be stopped; stopping twice, or after it finished, does nothing.
class Cancellable {
 public:
  virtual ~Cancellable() = default;
  virtual void cancel() = 0;
};

class ToolWebhookClient {
 public:
  virtual ~ToolWebhookClient() = default;
  // POSTs {tool, arguments, call_id, caller, callee, attempt} to tool.webhook_url and calls
  // `done` exactly once (from any thread) with the result text the model should read: the
  // response body, or {"error": "...", "fallback": true} after the last failed attempt. Never
  // throws for network or policy failures; those end up in the result.
  virtual std::unique_ptr<Cancellable> invoke(const Tool& tool, const ToolCall& call,
                                              const CallParties& parties,
                                              std::function<void(std::string result)> done) = 0;
};

class RemoteBrainClient {
 public:
  virtual ~RemoteBrainClient() = default;
  // Sends the turn to on_message.url and streams the answer into `writer` (write* then finish,
  // or fail), from any thread.
  virtual std::unique_ptr<Cancellable> ask(const OnMessage& remote, const MessageContext& turn,
                                           std::shared_ptr<ReplyWriter> writer) = 0;
};

}  // namespace patter::session
