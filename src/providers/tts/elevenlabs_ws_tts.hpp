#pragma once

#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/ws_client.hpp"
#include "net/call_loops.hpp"
#include "providers/tts/elevenlabs_config.hpp"

namespace patter::providers {

// ElevenLabs text-to-speech over the stream-input WebSocket, one context (and so one socket)
// per sentence: wss://{host}/v1/text-to-speech/{voice_id}/stream-input. See ws_tts_exchange.hpp
// for one sentence's exchange.
//
// warmup() opens a socket on the call's loop (DNS, TCP, TLS and the upgrade, nothing else, so
// nothing is billed) and parks it for the call's first sentence; a parked socket not used
// within half the inactivity timeout is closed.
class ElevenLabsWsTts final : public TtsProvider {
 public:
  // Throws core::Error, see validate(ElevenLabsConfig).
  explicit ElevenLabsWsTts(ElevenLabsConfig config);
  ~ElevenLabsWsTts() override;
  ElevenLabsWsTts(const ElevenLabsWsTts&) = delete;
  ElevenLabsWsTts& operator=(const ElevenLabsWsTts&) = delete;

  // "elevenlabs_ws", priced per character like the HTTP API.
  [[nodiscard]] std::string name() const override;
  [[nodiscard]] std::string model() const override { return config_->model; }
  [[nodiscard]] AudioFormat output_format() const override { return format_; }
  // Throws std::invalid_argument when context.executor is null.
  std::unique_ptr<TtsStream> synthesize(const StreamContext& context, std::string text,
                                        TtsEvents events) override;
  void warmup(const StreamContext& context) override;

  [[nodiscard]] const ElevenLabsConfig& config() const { return *config_; }

 private:
  std::shared_ptr<const ElevenLabsConfig> config_;
  AudioFormat format_;
  std::shared_ptr<net::WsClient> client_;
  net::WsConnectRequest connect_;
  // Names this provider to the per-loop parking; it dies with the provider.
  std::shared_ptr<const void> identity_;
  net::CallLoops loops_;
};

}  // namespace patter::providers
