#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/call_loops.hpp"
#include "net/ws_client.hpp"
#include "providers/tts/cartesia_tts_config.hpp"

namespace patter::providers {

// Cartesia text-to-speech over its WebSocket (wss://api.cartesia.ai/tts/websocket), one socket
// per call carrying one context per turn: see cartesia_tts_channel.hpp for a sentence. Audio is
// asked for as pcm_mulaw at 8 kHz by default, the carrier's own format, so the call forwards the
// bytes untouched.
//
// Each call speaks on its own event loop when its executor is a net::AsioExecutor; any other
// executor gets its events posted to it from a loop this provider starts. warmup() opens the
// call's socket (DNS, TCP, TLS and the upgrade; nothing is sent, so nothing is billed).
class CartesiaTts final : public TtsProvider {
 public:
  // Throws core::Error, see validate(CartesiaTtsConfig).
  explicit CartesiaTts(CartesiaTtsConfig config);
  ~CartesiaTts() override;
  CartesiaTts(const CartesiaTts&) = delete;
  CartesiaTts& operator=(const CartesiaTts&) = delete;

  // "cartesia_tts", priced per character by the session's cost table.
  [[nodiscard]] std::string name() const override { return std::string(kCartesiaTtsName); }
  [[nodiscard]] std::string model() const override { return config_->model; }
  [[nodiscard]] AudioFormat output_format() const override { return config_->output_format; }
  // Throws std::invalid_argument when context.executor is null.
  std::unique_ptr<TtsStream> synthesize(const StreamContext& context, std::string text,
                                        TtsEvents events) override;
  void warmup(const StreamContext& context) override;

  [[nodiscard]] const CartesiaTtsConfig& config() const { return *config_; }
  // Characters sent to be spoken so far, retries included.
  [[nodiscard]] std::uint64_t characters_sent() const { return characters_->load(); }

 private:
  [[nodiscard]] std::string language_for(const StreamContext& context) const;

  std::shared_ptr<const CartesiaTtsConfig> config_;
  std::shared_ptr<net::WsClient> client_;
  net::WsConnectRequest connect_;
  std::shared_ptr<std::atomic<std::uint64_t>> characters_;
  // Names this provider to the per-loop channels; it dies with the provider.
  std::shared_ptr<const void> identity_;
  net::CallLoops loops_;
};

}  // namespace patter::providers
