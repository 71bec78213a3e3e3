#pragma once

#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "providers/stt/assemblyai_config.hpp"
#include "providers/stt/stt_sockets.hpp"

namespace patter::providers {

// AssemblyAI Universal Streaming v3 speech-to-text (/v3/ws over a WebSocket), fed the
// carrier's μ-law 8 kHz bytes as they are (pcm_mulaw). Streams: see assemblyai_session.hpp.
//
// Each stream runs on the call's own event loop when the call's executor is a
// net::AsioExecutor; any other executor gets its streams on a loop this provider starts on first
// need. Events are delivered on that loop; after close() returns none follows.
//
// name() is "assemblyai" and model() the speech model, as the pricing table expects; the call
// counts the audio it pushes for cost, and billed_audio_seconds() adds what reconnects replayed
// (AssemblyAI itself bills the time each session is open).
class AssemblyAiStt final : public SttProvider {
 public:
  // Throws core::Error, see validate(AssemblyAiConfig). A null clock factory: each loop's
  // net::AsioClock.
  explicit AssemblyAiStt(AssemblyAiConfig config, net::LoopClockFactory clock = {});
  ~AssemblyAiStt() override;
  AssemblyAiStt(const AssemblyAiStt&) = delete;
  AssemblyAiStt& operator=(const AssemblyAiStt&) = delete;

  [[nodiscard]] std::string name() const override { return "assemblyai"; }
  [[nodiscard]] std::string model() const override { return config_->speech_model; }
  [[nodiscard]] AudioFormat input_format() const override { return config_->input_format; }
  // Throws std::invalid_argument when context.executor is null. Connection failures arrive
  // through on_error: 401/403 (or a 1008 close) name ASSEMBLYAI_API_KEY, 429 says rate limited.
  std::unique_ptr<SttStream> open(const StreamContext& context, SttEvents events) override;
  // Resolves, connects and completes TLS on the call's loop, then hangs up. With
  // config.warmup_opens_session it opens the call's session (the WebSocket upgrade too) and
  // holds it, with KeepAlive and no audio, for that call's first open(); unused, it closes
  // after config.parked_lifetime. Failures are logged without the URL and otherwise ignored.
  void warmup(const StreamContext& context) override;

  [[nodiscard]] const AssemblyAiConfig& config() const { return *config_; }
  // Seconds of audio sent to AssemblyAI by every stream so far, replays included.
  [[nodiscard]] double billed_audio_seconds() const;
  // Sockets opened by warmup() and not yet taken.
  [[nodiscard]] std::size_t parked_sockets() const;

 private:
  [[nodiscard]] static std::string parked_key(const StreamContext& context);

  std::shared_ptr<const AssemblyAiConfig> config_;
  std::unique_ptr<SttSockets> sockets_;
};

}  // namespace patter::providers
