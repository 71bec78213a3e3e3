#pragma once

#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "providers/stt/deepgram_config.hpp"
#include "providers/stt/stt_sockets.hpp"

namespace patter::providers {

// Deepgram live speech-to-text (/v1/listen over a WebSocket), fed the carrier's μ-law 8 kHz
// bytes as they are. Streams: see deepgram_session.hpp.
//
// Each stream runs on the call's own event loop when the call's executor is a
// net::AsioExecutor; any other executor gets its streams on a loop this provider starts on first
// need. Events are delivered on that loop; after close() returns none follows.
//
// name() is "deepgram" and model() the model, as the pricing table expects; the call counts
// the audio it pushes for cost, and billed_audio_seconds() adds what reconnects replayed.
class DeepgramStt final : public SttProvider {
 public:
  // Throws core::Error, see validate(DeepgramConfig). A null clock factory: each loop's
  // net::AsioClock.
  explicit DeepgramStt(DeepgramConfig config, net::LoopClockFactory clock = {});
  ~DeepgramStt() override;
  DeepgramStt(const DeepgramStt&) = delete;
  DeepgramStt& operator=(const DeepgramStt&) = delete;

  [[nodiscard]] std::string name() const override { return "deepgram"; }
  [[nodiscard]] std::string model() const override { return config_->model; }
  [[nodiscard]] AudioFormat input_format() const override { return config_->input_format; }
  // Throws std::invalid_argument when context.executor is null. Connection failures arrive
  // through on_error: 401/403 name DEEPGRAM_API_KEY, 429 says rate limited.
  std::unique_ptr<SttStream> open(const StreamContext& context, SttEvents events) override;
  // Opens the call's stream (DNS, TCP, TLS and the WebSocket upgrade) on the call's loop and
  // holds it, with KeepAlive and no audio, for that call's first open(); unused, it closes
  // after config.parked_lifetime. Failures are logged without the URL and otherwise ignored.
  void warmup(const StreamContext& context) override;

  [[nodiscard]] const DeepgramConfig& config() const { return *config_; }
  // Seconds of audio sent to Deepgram by every stream so far, replays included.
  [[nodiscard]] double billed_audio_seconds() const;
  // Sockets opened by warmup() and not yet taken.
  [[nodiscard]] std::size_t parked_sockets() const;

 private:
  [[nodiscard]] static std::string parked_key(const StreamContext& context);

  std::shared_ptr<const DeepgramConfig> config_;
  std::unique_ptr<SttSockets> sockets_;
};

}  // namespace patter::providers
