#pragma once

#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/http_client.hpp"
#include "net/call_loops.hpp"
#include "providers/tts/elevenlabs_config.hpp"

namespace patter::providers {

// ElevenLabs text-to-speech over HTTP streaming: each sentence is one POST to
// {base_url}/v1/text-to-speech/{voice_id}/stream, whose chunked body is the audio, passed on as
// it arrives. By default it asks for ulaw_8000, the carrier's own format, so the call forwards the
// bytes untouched.
//
// Each sentence runs on the call's own event loop when the call's executor is a
// net::AsioExecutor, with one keep-alive pool per loop, so the sentences of a call reuse one
// connection. Any other executor gets its events posted to it from a loop this provider starts.
class ElevenLabsTts final : public TtsProvider {
 public:
  // Throws core::Error, see validate(ElevenLabsConfig).
  explicit ElevenLabsTts(ElevenLabsConfig config);
  ~ElevenLabsTts() override;
  ElevenLabsTts(const ElevenLabsTts&) = delete;
  ElevenLabsTts& operator=(const ElevenLabsTts&) = delete;

  // "elevenlabs", priced per character by the session's cost table.
  [[nodiscard]] std::string name() const override;
  [[nodiscard]] std::string model() const override { return config_->model; }
  [[nodiscard]] AudioFormat output_format() const override { return format_; }
  // Throws std::invalid_argument when context.executor is null.
  std::unique_ptr<TtsStream> synthesize(const StreamContext& context, std::string text,
                                        TtsEvents events) override;
  // Opens a pooled connection (DNS, TCP, TLS) on the call's loop and sends nothing, so nothing
  // is billed. Failures are logged without the URL and otherwise ignored.
  void warmup(const StreamContext& context) override;

  [[nodiscard]] const ElevenLabsConfig& config() const { return *config_; }

 private:
  std::shared_ptr<const ElevenLabsConfig> config_;
  AudioFormat format_;
  std::string url_;
  net::HttpClientOptions http_options_;
  // Names this provider to the per-loop client registry; it dies with the provider.
  std::shared_ptr<const void> identity_;
  net::CallLoops loops_;
};

}  // namespace patter::providers
