#pragma once

// The interfaces between a call and its speech-to-text, language model and text-to-speech
// providers. Implement them to plug in a provider of your own; the built-in ones (embedded and
// cloud) implement the same interfaces.
//
// Threading: a stream's methods are called from the call's executor only. Its events may be
// delivered from any thread: the call posts them back to its executor, and ignores those that
// arrive after it closed, cancelled or destroyed the stream.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <patter/audio_format.hpp>
#include <patter/executor.hpp>

namespace patter {

// What a provider is told about the call it serves.
struct StreamContext {
  std::string call_id;
  std::string language = "en";
  std::shared_ptr<Executor> executor;  // the call's executor
};

// ---- speech-to-text ----

struct Transcript {
  std::string text;
  bool is_final = false;      // the provider will not revise this text again
  bool speech_final = false;  // ... and it judged the utterance over (end of speech)
  double confidence = 0.0;    // 0..1
  // Audio offsets of the recognised words since the stream opened, when the provider says.
  std::optional<double> start_ms;
  std::optional<double> end_ms;
};

struct SttEvents {
  std::function<void(const Transcript&)> on_transcript;
  // Speech edges detected by the provider itself, where it offers them.
  std::function<void()> on_speech_started;
  std::function<void()> on_speech_ended;
  // Audio sent to the provider a second time (replayed after a reconnect), in seconds: the
  // provider bills it again, so the call adds it to its cost.
  std::function<void(double seconds)> on_audio_replayed;
  // Optional, from streams made of several providers (fallback chains): from now on `provider`
  // (and `model`) hears the call, so the audio that follows is billed at its price. Announced
  // when the stream opens and at every switch.
  std::function<void(const std::string& provider, const std::string& model)> on_provider_changed;
  // The stream failed and produces nothing more.
  std::function<void(const std::string& message)> on_error;
};

class SttStream {
 public:
  virtual ~SttStream() = default;
  // Audio in the provider's input_format(), in chunks of any whole number of samples.
  virtual void push_audio(std::span<const std::uint8_t> bytes) = 0;
  // Asks for the final transcript of the audio so far now (end of utterance).
  virtual void finalize() = 0;
  // Ends the stream; no events follow.
  virtual void close() = 0;
};

class SttProvider {
 public:
  virtual ~SttProvider() = default;
  // Names the provider in metrics and in the pricing table ("deepgram", "pocketsphinx").
  [[nodiscard]] virtual std::string name() const = 0;
  [[nodiscard]] virtual std::string model() const { return {}; }
  [[nodiscard]] virtual AudioFormat input_format() const = 0;
  // Throws patter::Error when the stream cannot be opened.
  virtual std::unique_ptr<SttStream> open(const StreamContext& context, SttEvents events) = 0;
  // Prepares connections (DNS, TLS) ahead of a call; never bills. Errors are swallowed.
  virtual void warmup(const StreamContext& /*context*/) {}
};

// ---- language model ----

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text
  bool operator==(const ToolCall&) const = default;
};

enum class Role : std::uint8_t { system, user, assistant, tool };
std::string_view to_string(Role role);

struct ChatMessage {
  Role role = Role::user;
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant messages that call tools
  std::string tool_call_id;          // tool results
  std::string name;                  // tool results: the tool's name
  bool operator==(const ChatMessage&) const = default;
};

struct ToolSchema {
  std::string name;
  std::string description;
  std::string parameters_json;  // a JSON Schema object
};

struct LlmUsage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cache_read_tokens = 0;
  std::int64_t cache_write_tokens = 0;
  // The model that did the work, when the provider is made of several (a fallback chain); empty:
  // the provider's model().
  std::string model;
};

enum class FinishReason : std::uint8_t { stop, tool_calls, length, error };

struct LlmRequest {
  std::vector<ChatMessage> messages;
  std::vector<ToolSchema> tools;
};

struct LlmEvents {
  std::function<void(std::string_view delta)> on_text;
  // Each tool call complete (deltas already merged by index), in index order, before on_done.
  std::function<void(const ToolCall&)> on_tool_call;
  std::function<void(const LlmUsage&)> on_usage;
  std::function<void(FinishReason)> on_done;
  // The request failed; nothing follows.
  std::function<void(const std::string& message)> on_error;
  // Optional: the request has been handed to the transport (the first attempt's), so the time
  // until then is the framework's own. Clients that cannot tell leave it unfired.
  std::function<void()> on_request_written;
};

class LlmStream {
 public:
  virtual ~LlmStream() = default;
  // Stops the request; no events follow.
  virtual void cancel() = 0;
};

class LlmProvider {
 public:
  virtual ~LlmProvider() = default;
  [[nodiscard]] virtual std::string name() const = 0;
  [[nodiscard]] virtual std::string model() const = 0;
  virtual std::unique_ptr<LlmStream> stream(const StreamContext& context, LlmRequest request,
                                            LlmEvents events) = 0;
  virtual void warmup(const StreamContext& /*context*/) {}
};

// ---- text-to-speech ----

struct TtsEvents {
  // Audio in the provider's output_format(); chunks need not hold whole samples.
  std::function<void(std::span<const std::uint8_t> audio)> on_audio;
  std::function<void()> on_done;
  std::function<void(const std::string& message)> on_error;
  // Optional: the request has been handed to the transport (see LlmEvents::on_request_written).
  std::function<void()> on_request_written;
  // Optional, from voices made of several providers (fallback chains): the sentence has been
  // sent to `provider`, which bills its characters. Announced for every attempt, the first one
  // during synthesize(); without an announcement the sentence is billed to the voice's name().
  std::function<void(const std::string& provider)> on_provider;
};

class TtsStream {
 public:
  virtual ~TtsStream() = default;
  // Stops synthesis; no events follow.
  virtual void cancel() = 0;
};

class TtsProvider {
 public:
  virtual ~TtsProvider() = default;
  [[nodiscard]] virtual std::string name() const = 0;
  [[nodiscard]] virtual std::string model() const { return {}; }
  [[nodiscard]] virtual AudioFormat output_format() const = 0;
  // Synthesises one sentence.
  virtual std::unique_ptr<TtsStream> synthesize(const StreamContext& context, std::string text,
                                                TtsEvents events) = 0;
  virtual void warmup(const StreamContext& /*context*/) {}
};

}  // namespace patter
