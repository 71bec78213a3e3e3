#pragma once

#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "providers/stt/cartesia_stt_config.hpp"
#include "providers/stt/stt_sockets.hpp"

namespace patter::providers {

// Cartesia speech-to-text (ink-whisper over wss://api.cartesia.ai/stt/websocket), fed 16 kHz
// PCM16 unless configured otherwise. Streams: see cartesia_stt_session.hpp.
//
// Each stream runs on the call's own event loop when the call's executor is a
// net::AsioExecutor; any other executor gets its streams on a loop this provider starts on
// first need. Events are delivered on that loop; after close() returns none follows.
//
// name() is "cartesia_stt", as the pricing table expects; the call counts the audio it pushes
// for cost, and billed_audio_seconds() adds what reconnects replayed.
class CartesiaStt final : public SttProvider {
 public:
  // Throws core::Error, see validate(CartesiaSttConfig). A null clock factory: each loop's
  // net::AsioClock.
  explicit CartesiaStt(CartesiaSttConfig config, net::LoopClockFactory clock = {});
  ~CartesiaStt() override;
  CartesiaStt(const CartesiaStt&) = delete;
  CartesiaStt& operator=(const CartesiaStt&) = delete;

  [[nodiscard]] std::string name() const override { return "cartesia_stt"; }
  [[nodiscard]] std::string model() const override { return config_->model; }
  [[nodiscard]] AudioFormat input_format() const override { return config_->input_format; }
  // Throws std::invalid_argument when context.executor is null. Connection failures arrive
  // through on_error: 401/403 name CARTESIA_API_KEY, 429 says rate limited.
  std::unique_ptr<SttStream> open(const StreamContext& context, SttEvents events) override;
  // Opens the call's stream (DNS, TCP, TLS and the upgrade) on the call's loop and holds it,
  // sending nothing, for that call's first open(); unused, it closes after
  // config.parked_lifetime. Failures are logged without the URL and otherwise ignored.
  void warmup(const StreamContext& context) override;

  [[nodiscard]] const CartesiaSttConfig& config() const { return *config_; }
  // Seconds of audio sent to Cartesia by every stream so far, replays included.
  [[nodiscard]] double billed_audio_seconds() const;
  // Sockets opened by warmup() and not yet taken.
  [[nodiscard]] std::size_t parked_sockets() const;

 private:
  [[nodiscard]] static std::string parked_key(const StreamContext& context);

  std::shared_ptr<const CartesiaSttConfig> config_;
  std::unique_ptr<SttSockets> sockets_;
};

}  // namespace patter::providers
