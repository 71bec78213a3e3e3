#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fakes/fake_openai_chat.hpp"
#include "fakes/fake_server.hpp"

namespace patter::fakes {

namespace detail {
struct FakeAnthropicState;
}  // namespace detail

struct FakeAnthropicToolUse {
  std::string id;  // empty: "toolu_fake_<block index>"
  std::string name;
  // Concatenated, the input JSON; each is one input_json_delta, split wherever the test likes.
  // An empty first fragment is sent first, as Anthropic does.
  std::vector<std::string> input_fragments;
};

struct FakeAnthropicUsage {
  std::int64_t input_tokens = 25;  // the uncached prompt tokens
  std::int64_t output_tokens = 12;
  std::int64_t cache_creation_input_tokens = 0;
  std::int64_t cache_read_input_tokens = 0;
};

// One scripted answer. Deltas are the text_delta and input_json_delta events; the fault knobs
// count them. The default streams "Hello there!" in three text deltas.
struct FakeAnthropicReply {
  std::vector<std::string> tokens = {"Hel", "lo there", "!"};
  std::vector<FakeAnthropicToolUse> tool_uses;  // blocks after the text block
  std::string stop_reason;   // empty: "tool_use" when there are tool uses, else "end_turn"
  FakeAnthropicUsage usage;  // message_start has the input side, message_delta the output
  // A thinking block (thinking_delta, signature_delta) before the text, as extended thinking
  // streams it.
  bool thinking = false;
  std::size_t ping_every = 2;  // a ping after every this many deltas; 0: only the first ping
  // message_start and the first ping go out at once; the first content block follows after
  // time_to_first_token.
  std::chrono::milliseconds time_to_first_token{0};
  std::chrono::milliseconds inter_token_delay{0};

  std::optional<std::size_t> disconnect_after;  // drop the TCP connection after this many deltas
  std::optional<std::size_t> malformed_after;   // then an event whose data is not JSON; body ends
  std::optional<std::size_t> error_after;       // then `event: error` (overloaded); body ends
  std::optional<std::size_t> end_after;  // the body ends cleanly: no message_delta, no message_stop

  // Not 200: Anthropic's error body {"type":"error","error":{type,message}} instead of a stream.
  int status = 200;
  std::string error_type;
  std::string error_message;
  FakeHeaders error_headers;

  static FakeAnthropicReply text(std::vector<std::string> tokens);
  static FakeAnthropicReply tools(std::vector<FakeAnthropicToolUse> tool_uses,
                                  std::vector<std::string> tokens = {});
  static FakeAnthropicReply http_error(int status, std::string type, std::string message);
  // 429 rate_limit_error with retry-after and anthropic-ratelimit-* headers.
  static FakeAnthropicReply rate_limited(int retry_after_seconds);
  static FakeAnthropicReply overloaded();                    // 529 overloaded_error
  static FakeAnthropicReply server_error(int status = 500);  // api_error
};

struct FakeAnthropicOptions {
  bool tls = false;
  std::string api_key = "sk-ant-fake-0123456789abcdef";
  FakeAnthropicReply default_reply;  // when no reply is queued
};

// The Anthropic Messages API (POST /v1/messages, streaming) on a FakeServer (plain or TLS),
// started on construction. It checks the request as Anthropic does: x-api-key (401
// authentication_error), anthropic-version, a JSON body with model, a positive max_tokens,
// messages that open with the user, user and assistant roles only, text blocks that are not
// empty, every tool_use answered by a tool_result in the next message and every tool_result
// answering one, system as a string or text blocks, tools with a name and an object
// input_schema, at most 4 cache_control marks, temperature 0 to 1, and stream: true; it answers
// 400 invalid_request_error otherwise. Then it streams the next queued reply as `event:` +
// `data:` pairs: message_start, content blocks (text deltas, tool_use input as input_json_delta
// fragments), pings in between, message_delta with the stop_reason and output tokens, and
// message_stop, with the reply's delays and faults. Each stream is a coroutine on the server's
// one thread, so hundreds of concurrent streams cost little.
class FakeAnthropic {
 public:
  explicit FakeAnthropic(FakeAnthropicOptions options = {});
  ~FakeAnthropic();
  FakeAnthropic(const FakeAnthropic&) = delete;
  FakeAnthropic& operator=(const FakeAnthropic&) = delete;

  // http(s)://127.0.0.1:PORT, the base URL (the route is /v1/messages).
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] const std::string& certificate_pem() const { return server_.certificate_pem(); }
  [[nodiscard]] const FakeAnthropicOptions& options() const { return options_; }

  // Replies are used in the order queued, one per request; then the default reply.
  void enqueue(FakeAnthropicReply reply);

  // Requests as the fake saw them; `rejection` says why it answered 400 or 401.
  [[nodiscard]] std::vector<FakeChatRequest> requests() const;
  [[nodiscard]] std::size_t connections() const { return server_.log().connections_accepted(); }
  [[nodiscard]] std::size_t completed_streams() const;  // reached the end of their script
  // Streams the client closed before the script ended (a failed write noticed it).
  [[nodiscard]] std::size_t client_disconnects() const;

 private:
  FakeAnthropicOptions options_;
  std::shared_ptr<detail::FakeAnthropicState> state_;
  FakeServer server_;
};

}  // namespace patter::fakes
