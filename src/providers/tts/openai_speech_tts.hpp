#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/call_loops.hpp"
#include "net/http_client.hpp"
#include "providers/tts/openai_speech_config.hpp"

namespace patter::providers {

// OpenAI text-to-speech over POST {base_url}/audio/speech: each sentence is one request whose
// chunked body, raw PCM16 24 kHz (response_format pcm), is passed on as it arrives; the call
// converts it once for the carrier.
//
// Each sentence runs on the call's own event loop when the call's executor is a
// net::AsioExecutor, with one keep-alive pool per loop, so the sentences of a call reuse one
// connection. Any other executor gets its events posted to it from a loop this provider starts.
class OpenAiSpeechTts final : public TtsProvider {
 public:
  // Throws core::Error, see validate(OpenAiSpeechConfig).
  explicit OpenAiSpeechTts(OpenAiSpeechConfig config);
  ~OpenAiSpeechTts() override;
  OpenAiSpeechTts(const OpenAiSpeechTts&) = delete;
  OpenAiSpeechTts& operator=(const OpenAiSpeechTts&) = delete;

  // "openai_tts" ("openai_tts_hd" for tts-1-hd), priced per character by the cost table.
  [[nodiscard]] std::string name() const override;
  [[nodiscard]] std::string model() const override { return config_->model; }
  [[nodiscard]] AudioFormat output_format() const override { return kOpenAiSpeechFormat; }
  // Throws std::invalid_argument when context.executor is null. A sentence longer than the API
  // takes (4096 characters) ends with on_error without a request.
  std::unique_ptr<TtsStream> synthesize(const StreamContext& context, std::string text,
                                        TtsEvents events) override;
  // Opens a pooled connection (DNS, TCP, TLS) on the call's loop and sends nothing, so nothing
  // is billed. Failures are logged without the URL and otherwise ignored.
  void warmup(const StreamContext& context) override;

  [[nodiscard]] const OpenAiSpeechConfig& config() const { return *config_; }
  // Characters of every sentence sent so far (retries not counted again).
  [[nodiscard]] std::size_t characters_sent() const { return characters_->load(); }

 private:
  std::shared_ptr<const OpenAiSpeechConfig> config_;
  std::string url_;
  net::HttpClientOptions http_options_;
  // Names this provider to the per-loop client registry; it dies with the provider.
  std::shared_ptr<const void> identity_;
  std::shared_ptr<std::atomic<std::size_t>> characters_;
  net::CallLoops loops_{"openai_tts"};
};

}  // namespace patter::providers
