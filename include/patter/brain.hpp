#pragma once

// on_message: answering the caller with your own code instead of a language model.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <patter/conversation.hpp>

namespace patter {

// Controls a live call from user code; thread-safe, and harmless once the call has ended.
class CallControl {
 public:
  virtual ~CallControl() = default;
  // Transfers the caller to an E.164 number or a sip:/sips: URI; throws std::invalid_argument
  // for anything else.
  virtual void transfer(std::string target) = 0;
  virtual void hang_up() = 0;
  // Plays DTMF digits (0-9 * # A-D, w = 0.5 s pause) where the carrier supports it.
  virtual void send_dtmf(std::string digits) = 0;
  [[nodiscard]] virtual bool ended() const = 0;
};

struct MessageContext {
  std::string text;  // the caller's committed turn
  CallParties call;
  std::vector<HistoryEntry> history;
  std::shared_ptr<CallControl> control;
};

// Thread-safe sink for a streamed reply: each written chunk is spoken as soon as it completes a
// sentence. Exactly one of finish() and fail() ends the reply; writes after that are ignored.
class ReplyWriter {
 public:
  virtual ~ReplyWriter() = default;
  virtual void write(std::string_view chunk) = 0;
  virtual void finish() = 0;
  virtual void fail(std::string message) = 0;
};

// One of three forms. `reply` returns the whole answer; `stream` writes it in chunks, now or
// later, from any thread; `url` sends the turn to a remote brain (see docs/brain-protocol.md):
// http(s) answers with text or {"text": ...}, ws(s) streams {"text": ...} frames until
// {"done": true}. With `secret` set, remote requests carry X-Patter-Signature, the hex
// HMAC-SHA256 of the body. The two functions run on a worker thread and may block.
struct OnMessage {
  std::function<std::string(const MessageContext&)> reply;
  std::function<void(const MessageContext&, std::shared_ptr<ReplyWriter>)> stream;
  std::string url;
  std::string secret;

  [[nodiscard]] explicit operator bool() const { return reply || stream || !url.empty(); }
};

}  // namespace patter
