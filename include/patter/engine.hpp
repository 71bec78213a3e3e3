#pragma once

// Speech-to-speech engines: one provider hears the caller, thinks and speaks (OpenAI Realtime,
// ElevenLabs Conversational AI). An agent with `engine` set runs in realtime mode: the call
// forwards the caller's audio to the engine and the engine's audio to the caller, and keeps
// barge-in, tools, transcripts, metrics and cost as in pipeline mode.
//
// Threading, as for the other providers: a session's methods are called on the call's executor
// only; its events may come from any thread and are posted back by the call, which ignores
// those that arrive after it closed the session.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <patter/audio_format.hpp>
#include <patter/providers.hpp>

namespace patter {

// What the call tells the engine when it opens the session.
struct EngineSessionConfig {
  std::string instructions;   // the system prompt, variables already substituted
  std::string first_message;  // spoken word for word as soon as the session is ready; empty: none
  std::string voice;
  std::string language = "en";
  std::vector<ToolSchema> tools;  // the agent's tools and the built-ins (transfer_call, end_call)
  // The carrier's audio format in both directions (μ-law 8 kHz on the phone network). The
  // engine accepts and produces exactly this; it converts once inside when its service cannot.
  AudioFormat carrier_format{Encoding::mulaw, 8000};
};

// Token counts of one response, for cost (OpenAI Realtime's usage block).
struct EngineUsage {
  std::uint64_t input_audio_tokens = 0;
  std::uint64_t input_text_tokens = 0;
  std::uint64_t output_audio_tokens = 0;
  std::uint64_t output_text_tokens = 0;
  std::uint64_t cached_audio_tokens = 0;
  std::uint64_t cached_text_tokens = 0;
};

struct EngineEvents {
  // The session is configured (session.updated, conversation_initiation_metadata).
  std::function<void()> on_ready;
  // Agent audio in carrier_format, in chunks of whole samples.
  std::function<void(std::span<const std::uint8_t> audio)> on_audio;
  // The agent's text as it is spoken: deltas, then the whole response's text once (final).
  std::function<void(const std::string& text, bool final)> on_agent_transcript;
  // The response ended (completed, cancelled or interrupted); no audio of it follows.
  std::function<void()> on_response_done;
  // The engine's own voice activity detection on the caller's audio.
  std::function<void()> on_user_speech_started;
  std::function<void()> on_user_speech_stopped;
  // What the caller said, once final.
  std::function<void(const std::string& text)> on_user_transcript;
  // The engine decided the caller interrupted the agent (ConvAI's `interruption`): the call
  // clears the carrier's buffered audio. OpenAI reports speech_started instead.
  std::function<void()> on_interrupted;
  // A complete function call; answer it with EngineSession::send_tool_result.
  std::function<void(const ToolCall& call)> on_tool_call;
  std::function<void(const EngineUsage& usage)> on_usage;
  // fatal: the session is gone and produces nothing more (the call ends); otherwise the engine
  // reported a recoverable problem (a rejected event) and carries on.
  std::function<void(const std::string& message, bool fatal)> on_error;
};

class EngineSession {
 public:
  virtual ~EngineSession() = default;
  // Caller audio in carrier_format, one carrier frame or more.
  virtual void push_audio(std::span<const std::uint8_t> audio) = 0;
  // Text the caller "said" (DTMF digits, a typed message): a user message and a response.
  virtual void send_user_text(const std::string& text) = 0;
  // The output of a tool call, and a new response that uses it.
  virtual void send_tool_result(const std::string& call_id, const std::string& output) = 0;
  // The caller barged in: the agent's current response stops, and what the caller did not
  // hear is removed from the engine's memory. `played` is how much of the current response's
  // audio the caller has heard (from the call's playout clock).
  virtual void interrupt(std::chrono::milliseconds played) = 0;
  // Stops the current response and speaks `text` word for word instead (guardrails).
  virtual void say(const std::string& text) = 0;
  // Ends the session; no events follow.
  virtual void close() = 0;
};

class RealtimeEngine {
 public:
  virtual ~RealtimeEngine() = default;
  [[nodiscard]] virtual std::string name() const = 0;  // "openai_realtime", "elevenlabs_convai"
  [[nodiscard]] virtual std::string model() const { return {}; }
  // Connects asynchronously; a failure to connect or authenticate arrives as a fatal on_error
  // with a message naming the cause. Throws patter::Error only for a config it cannot use.
  virtual std::unique_ptr<EngineSession> open(const StreamContext& context, EngineSessionConfig config,
                                              EngineEvents events) = 0;
  // DNS and TLS ahead of a call; never anything that bills. Errors are swallowed.
  virtual void warmup(const StreamContext& /*context*/) {}
};

}  // namespace patter
