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
struct FakeGeminiState;
}  // namespace detail

struct FakeGeminiCall {
  std::string name;
  std::string args_json = "{}";  // a JSON object
  std::string id;                // empty: none, as the Developer API sends them
};

struct FakeGeminiUsage {
  std::int64_t prompt_tokens = 20;  // promptTokenCount, the cached ones included
  std::int64_t candidates_tokens = 5;
  std::int64_t cached_tokens = 0;    // cachedContentTokenCount; sent only when not 0
  std::int64_t thoughts_tokens = 0;  // thoughtsTokenCount; sent only when not 0
};

// One scripted answer: one GenerateContentResponse event per token, then one with the function
// calls (whole, as Gemini sends them), the last carrying finishReason. Every event carries
// usageMetadata with the running totals, as Gemini does. The fault knobs count the events.
struct FakeGeminiReply {
  std::vector<std::string> tokens = {"Hel", "lo there", "!"};
  std::vector<FakeGeminiCall> calls;
  std::string finish_reason = "STOP";
  FakeGeminiUsage usage;
  // Headers go out at once; the first event follows after time_to_first_token.
  std::chrono::milliseconds time_to_first_token{0};
  std::chrono::milliseconds inter_token_delay{0};
  // A thought-summary part ({"text", "thought": true}) before the first token.
  bool thought = false;

  std::optional<std::size_t> disconnect_after;  // drop the TCP connection after this many events
  std::optional<std::size_t> malformed_after;   // then an event that is not JSON; the body ends
  std::optional<std::size_t> error_after;       // then a data object with an "error"; the body ends
  std::optional<std::size_t> end_after;         // the body ends cleanly, without a finishReason

  // Not 200: Google's error body {"error":{code,message,status,details}} instead of a stream.
  int status = 200;
  std::string error_status;  // "RESOURCE_EXHAUSTED", "UNAVAILABLE", ...
  std::string error_message;
  std::string retry_delay;  // a google.rpc.RetryInfo retryDelay, e.g. "7s"
  FakeHeaders error_headers;

  static FakeGeminiReply text(std::vector<std::string> tokens);
  static FakeGeminiReply function_calls(std::vector<FakeGeminiCall> calls,
                                        std::vector<std::string> tokens = {});
  static FakeGeminiReply http_error(int status, std::string error_status, std::string message);
  // 429 RESOURCE_EXHAUSTED with a RetryInfo detail (Gemini sends no Retry-After header).
  static FakeGeminiReply rate_limited(int retry_delay_seconds);
  static FakeGeminiReply server_error(int status = 503);  // UNAVAILABLE, "overloaded"
};

struct FakeGeminiOptions {
  bool tls = false;
  std::string api_key = "AIzaFakeKey0123456789abcdefghij";
  // Models served, each at /v1beta/models/{model}:streamGenerateContent; others get 404.
  std::vector<std::string> models = {"gemini-2.5-flash", "gemini-2.5-pro"};
  FakeGeminiReply default_reply;  // when no reply is queued
};

// The Gemini Developer API's streamGenerateContent on a FakeServer (plain or TLS), started on
// construction. It checks the request as Google does: the key in x-goog-api-key or ?key= (a
// wrong one is 400 INVALID_ARGUMENT with reason API_KEY_INVALID, a missing one 403
// PERMISSION_DENIED), alt=sse, a JSON body with contents that open with the user, roles user and
// model only, parts with text, functionCall (an object args) or functionResponse (an object
// response), every function call turn answered by as many function responses in the next turn,
// systemInstruction with text parts, tools with functionDeclarations (a valid name; object
// parameters with properties), and generationConfig (temperature 0 to 2, a positive
// maxOutputTokens); it answers 400 INVALID_ARGUMENT otherwise. Then it streams the next queued
// reply as `data:` events ending at the end of the body, with the reply's delays and faults.
class FakeGemini {
 public:
  explicit FakeGemini(FakeGeminiOptions options = {});
  ~FakeGemini();
  FakeGemini(const FakeGemini&) = delete;
  FakeGemini& operator=(const FakeGemini&) = delete;

  // http(s)://127.0.0.1:PORT, the base URL.
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] const std::string& certificate_pem() const { return server_.certificate_pem(); }
  [[nodiscard]] const FakeGeminiOptions& options() const { return options_; }

  // Replies are used in the order queued, one per request; then the default reply.
  void enqueue(FakeGeminiReply reply);

  // Requests as the fake saw them; `rejection` says why it answered 400, 403 or 404.
  [[nodiscard]] std::vector<FakeChatRequest> requests() const;
  [[nodiscard]] std::size_t connections() const { return server_.log().connections_accepted(); }
  [[nodiscard]] std::size_t completed_streams() const;  // reached the end of their script
  // Streams the client closed before the script ended (a failed write noticed it).
  [[nodiscard]] std::size_t client_disconnects() const;

 private:
  FakeGeminiOptions options_;
  std::shared_ptr<detail::FakeGeminiState> state_;
  FakeServer server_;
};

}  // namespace patter::fakes
