#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_server.hpp"

namespace patter::fakes {

namespace detail {
struct FakeOpenAiChatState;
}  // namespace detail

struct FakeChatToolCall {
  std::string id;  // empty: "call_fake_<index>"
  std::string name;
  // Concatenated, the arguments JSON; split wherever the test likes, mid-string included.
  std::vector<std::string> argument_fragments;
};

// How tool calls reach the client.
enum class FakeChatToolStyle {
  fragments,    // OpenAI: id and name first, then argument fragments, one call after another
  interleaved,  // parallel calls whose fragments alternate between indexes
  whole,        // Ollama: one chunk per call with the complete arguments
};

struct FakeChatUsage {
  std::int64_t prompt_tokens = 20;
  std::int64_t completion_tokens = 5;
  std::int64_t cached_tokens = 0;
};

// One scripted answer. Deltas are the content tokens and tool-call fragments; the fault knobs
// count them. The default streams "Hello there!" in three tokens.
struct FakeChatReply {
  std::vector<std::string> tokens = {"Hel", "lo there", "!"};
  std::vector<FakeChatToolCall> tool_calls;  // streamed after the tokens
  FakeChatToolStyle tool_style = FakeChatToolStyle::fragments;
  std::string finish_reason;  // empty: "tool_calls" when there are tool calls, else "stop"
  FakeChatUsage usage;        // sent only when the request asked for include_usage
  // Headers go out at once; the first chunk (the role) follows after time_to_first_token.
  std::chrono::milliseconds time_to_first_token{0};
  std::chrono::milliseconds inter_token_delay{0};
  // Groq's habits: an x_groq object (its id first, its usage on the finishing chunk) and the
  // role and an empty tool_calls list repeated on every delta.
  bool groq_extras = false;

  std::optional<std::size_t> disconnect_after;  // drop the TCP connection after this many deltas
  std::optional<std::size_t> malformed_after;   // then a chunk that is not JSON; the body ends
  std::optional<std::size_t> error_after;       // then a mid-stream {"error":{...}}; the body ends
  std::optional<std::size_t> end_after;  // the body ends cleanly: no finish_reason, no [DONE]
  bool send_done = true;                 // false: no [DONE] after the finish and usage

  // Not 200: an OpenAI error body {"error":{message,type,param,code}} instead of a stream.
  int status = 200;
  std::string error_message;
  std::string error_type;
  std::string error_code;
  FakeHeaders error_headers;

  static FakeChatReply text(std::vector<std::string> tokens);
  static FakeChatReply tools(std::vector<FakeChatToolCall> calls,
                             FakeChatToolStyle style = FakeChatToolStyle::fragments);
  static FakeChatReply http_error(int status, std::string message,
                                  std::string type = "invalid_request_error",
                                  std::string code = {});
  // 429 with Retry-After and x-ratelimit headers.
  static FakeChatReply rate_limited(int retry_after_seconds);
  static FakeChatReply server_error(int status = 500);
};

struct FakeOpenAiChatOptions {
  bool tls = false;
  std::string api_key = "sk-fake-0123456789abcdef";  // empty: no Authorization header needed
  std::string base_path = "/v1";                     // the route is {base_path}/chat/completions
  FakeChatReply default_reply;                       // when no reply is queued
};

// One request to /chat/completions as the fake saw it.
struct FakeChatRequest {
  std::uint64_t connection_id = 0;  // equal ids: the same TCP connection
  FakeHeaders headers;
  std::string body;
  // Why the fake answered 400 or 401 instead of streaming; empty when it streamed (or sent a
  // scripted error).
  std::string rejection;

  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

// OpenAI Chat Completions streaming on a FakeServer (plain or TLS), started on construction.
// It checks the request as OpenAI would (Bearer key, JSON body: model, messages with valid roles,
// tool results answering earlier tool calls, function tools, stream: true, no gzip or msgpack),
// answering 401 or 400 with OpenAI's error body, then streams the next queued reply as SSE
// chunks (role first, content deltas, tool-call fragments, finish_reason, the usage chunk when
// include_usage is set, [DONE]) with the reply's delays and faults. Each stream is a coroutine on
// the server's one thread, so hundreds of concurrent streams cost little.
class FakeOpenAiChat {
 public:
  explicit FakeOpenAiChat(FakeOpenAiChatOptions options = {});
  ~FakeOpenAiChat();
  FakeOpenAiChat(const FakeOpenAiChat&) = delete;
  FakeOpenAiChat& operator=(const FakeOpenAiChat&) = delete;

  // http(s)://127.0.0.1:PORT{base_path}
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] const std::string& certificate_pem() const { return server_.certificate_pem(); }
  [[nodiscard]] FakeServer& server() { return server_; }
  [[nodiscard]] const FakeOpenAiChatOptions& options() const { return options_; }

  // Replies are used in the order queued, one per request; then the default reply.
  void enqueue(FakeChatReply reply);

  [[nodiscard]] std::vector<FakeChatRequest> requests() const;
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;
  [[nodiscard]] std::size_t connections() const { return server_.log().connections_accepted(); }
  [[nodiscard]] std::size_t active_streams() const;
  [[nodiscard]] std::size_t peak_streams() const;
  [[nodiscard]] std::size_t completed_streams() const;  // reached the end of their script
  // Streams the client closed before the script ended (a failed write noticed it).
  [[nodiscard]] std::size_t client_disconnects() const;
  bool wait_for_client_disconnects(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  FakeOpenAiChatOptions options_;
  std::shared_ptr<detail::FakeOpenAiChatState> state_;
  FakeServer server_;
};

}  // namespace patter::fakes
