#pragma once

#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/http_client.hpp"
#include "providers/stt/openai_transcribe_config.hpp"
#include "providers/stt/stt_sockets.hpp"

namespace patter::providers {

// OpenAI speech-to-text, over one of two transports (config.transport):
// - realtime: the Realtime API's transcription session (a WebSocket per call), fed the carrier's
//   μ-law 8 kHz bytes as they are; see openai_transcribe_session.hpp.
// - rest: POST /v1/audio/transcriptions per utterance, cut by a local energy gate, every result
//   final; see openai_utterance_session.hpp.
//
// Each stream runs on the call's own event loop when the call's executor is a
// net::AsioExecutor; any other executor gets its streams on a loop this provider starts on first
// need. Events are delivered on that loop; after close() returns none follows.
//
// name() is "whisper" for whisper-1 and "openai_transcribe" otherwise, model() the model, as the
// pricing table expects; billed_audio_seconds() counts the audio OpenAI was sent.
class OpenAiTranscribeStt final : public SttProvider {
 public:
  // Throws core::Error, see validate(OpenAiTranscribeConfig). A null clock factory: each loop's
  // net::AsioClock (used for reconnect delays).
  explicit OpenAiTranscribeStt(OpenAiTranscribeConfig config, net::LoopClockFactory clock = {});
  ~OpenAiTranscribeStt() override;
  OpenAiTranscribeStt(const OpenAiTranscribeStt&) = delete;
  OpenAiTranscribeStt& operator=(const OpenAiTranscribeStt&) = delete;

  [[nodiscard]] std::string name() const override;
  [[nodiscard]] std::string model() const override { return config_->model; }
  [[nodiscard]] AudioFormat input_format() const override { return config_->input_format; }
  // Throws std::invalid_argument when context.executor is null. Failures arrive through
  // on_error: 401/403 name OPENAI_API_KEY, 429 says rate limited.
  std::unique_ptr<SttStream> open(const StreamContext& context, SttEvents events) override;
  // realtime: opens the call's socket (DNS, TCP, TLS, the upgrade) on the call's loop and holds
  // it for that call's first open(), sending nothing; unused, it closes after
  // config.parked_lifetime. rest: opens a pooled connection, sending nothing. Failures are
  // logged without the URL and otherwise ignored.
  void warmup(const StreamContext& context) override;

  [[nodiscard]] const OpenAiTranscribeConfig& config() const { return *config_; }
  // Seconds of audio sent to OpenAI by every stream so far, replays included.
  [[nodiscard]] double billed_audio_seconds() const;
  // Sockets opened by warmup() and not yet taken.
  [[nodiscard]] std::size_t parked_sockets() const;

 private:
  [[nodiscard]] static std::string parked_key(const StreamContext& context);

  std::shared_ptr<const OpenAiTranscribeConfig> config_;
  net::HttpClientOptions http_options_;
  std::shared_ptr<const void> identity_;  // names this provider to the per-loop HTTP clients
  std::unique_ptr<SttSockets> sockets_;
};

}  // namespace patter::providers
