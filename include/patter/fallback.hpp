#pragma once

// Fallback chains: one provider made of an ordered list of providers of the same kind. Each
// request goes to the first healthy provider. A failure before any output (an error before the
// first token, transcript or audio, or an exception opening the stream) is retried on the same
// provider, then handed to the next one; the provider that gave up is skipped for
// recovery_interval, then tried first again. A failure after output has started reaches the
// caller (the caller already holds part of the reply), except in speech-to-text, where the call
// moves to the next provider's stream and the audio not yet covered by a final is sent again, so
// no words are lost. When every provider fails, on_error names each one's failure.
//
// Formats: the chain takes audio in (speech-to-text) and gives audio out (text-to-speech) in its
// first provider's format, and converts for the others inside.
//
// name() and model() are those of the provider that serves requests now (the first healthy one),
// so metrics name the provider that answers. A call's cost follows the provider that did the
// work: speech-to-text streams and voices announce it (SttEvents::on_provider_changed,
// TtsEvents::on_provider).

#include <chrono>
#include <memory>
#include <vector>

#include <patter/providers.hpp>

namespace patter::fallback {

struct FallbackOptions {
  // Retries on the same provider after a failure before output, before moving on.
  int max_retry_per_provider = 1;
  // How long a provider that failed is skipped.
  std::chrono::milliseconds recovery_interval{std::chrono::seconds(30)};
  // Speech-to-text: caller audio not yet covered by a final, kept to be sent to the next
  // provider.
  std::chrono::milliseconds replay_window{std::chrono::seconds(10)};
  // warmup() prepares the second provider too, so a switch-over finds its connection ready.
  bool warm_standby = false;
};

// Each throws std::invalid_argument for an empty list, a null provider, a negative
// max_retry_per_provider, or a recovery_interval or replay_window that is not positive.
std::shared_ptr<LlmProvider> llm(std::vector<std::shared_ptr<LlmProvider>> providers,
                                 FallbackOptions options = {});
std::shared_ptr<SttProvider> stt(std::vector<std::shared_ptr<SttProvider>> providers,
                                 FallbackOptions options = {});
std::shared_ptr<TtsProvider> tts(std::vector<std::shared_ptr<TtsProvider>> providers,
                                 FallbackOptions options = {});

}  // namespace patter::fallback
