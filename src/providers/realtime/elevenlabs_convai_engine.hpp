#pragma once

#include <memory>
#include <string>

#include <patter/engine.hpp>

#include "core/clock.hpp"
#include "net/call_loops.hpp"
#include "providers/realtime/elevenlabs_convai_config.hpp"

namespace patter::net {
class TlsClientContext;
class WsClient;
}  // namespace patter::net

namespace patter::providers {

// ElevenLabs Conversational AI: an agent configured at ElevenLabs (its LLM, voice, tools and
// turn-taking) hears the caller and speaks. One WebSocket per call; see
// elevenlabs_convai_session.hpp for a conversation.
//
// Each conversation runs on the call's own event loop when the call's executor is a
// net::AsioExecutor; any other executor gets a loop this engine starts on first need. Events
// are delivered on that loop; after close() returns none follows.
//
// ConvAI bills per minute of conversation, at ElevenLabs: the engine reports no tokens
// (on_usage stays silent), and the call's duration is what costs.
class ElevenLabsConvAiEngine final : public RealtimeEngine {
 public:
  // Throws core::Error, see validate(ElevenLabsConvAiConfig). A null clock factory: each
  // loop's net::AsioClock.
  explicit ElevenLabsConvAiEngine(ElevenLabsConvAiConfig config, net::LoopClockFactory clock = {});
  ~ElevenLabsConvAiEngine() override;
  ElevenLabsConvAiEngine(const ElevenLabsConvAiEngine&) = delete;
  ElevenLabsConvAiEngine& operator=(const ElevenLabsConvAiEngine&) = delete;

  [[nodiscard]] std::string name() const override { return "elevenlabs_convai"; }
  // Throws std::invalid_argument when context.executor is null. The call's voice is sent as
  // tts.voice_id when it is an ElevenLabs voice name or id (unless the config names one).
  std::unique_ptr<EngineSession> open(const StreamContext& context, EngineSessionConfig config,
                                      EngineEvents events) override;
  // Opens a keep-alive HTTPS connection to the API's host on the call's loop (DNS, TCP, TLS),
  // used by the signed-URL request; never a conversation, so nothing is billed. Failures are
  // logged without the URL and otherwise ignored.
  void warmup(const StreamContext& context) override;

  [[nodiscard]] const ElevenLabsConvAiConfig& config() const { return *config_; }

 private:
  std::shared_ptr<const ElevenLabsConvAiConfig> config_;
  net::LoopClockFactory clock_;
  std::shared_ptr<net::TlsClientContext> tls_;
  std::shared_ptr<net::WsClient> ws_client_;
  // Names this engine to the per-loop HTTP clients; it dies with the engine.
  std::shared_ptr<const void> identity_;
  net::CallLoops loops_{"elevenlabs_convai"};
};

}  // namespace patter::providers
