#pragma once

#include <memory>
#include <string>

#include <patter/engine.hpp>

#include "core/clock.hpp"
#include "net/call_loops.hpp"
#include "providers/realtime/openai_realtime_config.hpp"

namespace patter::net {
class WsClient;
class TlsClientContext;
}  // namespace patter::net

namespace patter::providers {

// OpenAI Realtime (beta v1 or GA) over a WebSocket: see openai_realtime_session.hpp.
//
// Each session runs on the call's own event loop when the call's executor is a
// net::AsioExecutor; any other executor gets its sessions on a loop this engine starts on first
// need. Events are delivered on that loop; after close() returns none follows.
class OpenAiRealtimeEngine final : public RealtimeEngine {
 public:
  // Throws core::Error, see validate(OpenAiRealtimeConfig). A null clock factory: each loop's
  // net::AsioClock.
  explicit OpenAiRealtimeEngine(OpenAiRealtimeConfig config, net::LoopClockFactory clock = {});
  ~OpenAiRealtimeEngine() override;
  OpenAiRealtimeEngine(const OpenAiRealtimeEngine&) = delete;
  OpenAiRealtimeEngine& operator=(const OpenAiRealtimeEngine&) = delete;

  [[nodiscard]] std::string name() const override { return "openai_realtime"; }
  [[nodiscard]] std::string model() const override { return config_->model; }
  // Throws std::invalid_argument when context.executor is null or a tool's parameters are not
  // a JSON object. Connection failures arrive through on_error (fatal): 401/403 name
  // OPENAI_API_KEY.
  std::unique_ptr<EngineSession> open(const StreamContext& context, EngineSessionConfig config,
                                      EngineEvents events) override;
  // Resolves the host and runs TCP and TLS to it on the call's loop, then hangs up: no
  // WebSocket, so no session is created and nothing is billed. Failures are logged (without
  // the URL) and otherwise ignored.
  void warmup(const StreamContext& context) override;

  [[nodiscard]] const OpenAiRealtimeConfig& config() const { return *config_; }

 private:
  std::shared_ptr<const OpenAiRealtimeConfig> config_;
  net::LoopClockFactory clock_;
  std::shared_ptr<net::TlsClientContext> tls_;
  std::shared_ptr<net::WsClient> client_;
  net::CallLoops loops_{"openai_realtime"};
};

}  // namespace patter::providers
