#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <patter/providers.hpp>

#include "providers/embedded/espeak_engine.hpp"

namespace patter::providers {

struct EspeakTtsOptions {
  // A language code ("en", "it", "en-US", "pt_BR") or an espeak-ng voice name ("en-gb-x-rp",
  // "en-us+f3"); see espeak_voice_for(). Empty: the call's StreamContext::language.
  std::string voice;
  int rate_wpm = 175;       // 80..450
  int pitch = 50;           // 0..100
  int sample_rate = 16000;  // output rate, 8000..48000
};

// The espeak-ng voice for a language code: lower-cased, '_' read as '-', the region dropped unless
// espeak-ng has a voice for it ("en-us", "pt-br", "es-419" for Latin American Spanish). "en" is
// American English, like the speech recogniser's model. Anything that is not a plain language
// tag (a variant "+f3", a voice with more than a region) passes through unchanged.
std::string espeak_voice_for(std::string_view language_or_voice);

// Text-to-speech with the process's EspeakEngine. The provider shares ownership of the engine (so
// never release its last owner inside an event callback: the engine joins its worker); streams do
// not need it and may outlive both, an engine shut down ending theirs with on_error. Events arrive
// on the engine's worker thread. A stream's cancel() (or destruction) stops the job and waits out
// an event in delivery: no event follows once it returns.
class EspeakTts final : public TtsProvider {
 public:
  // Throws core::Error (config_invalid) for a null engine or out-of-range options.
  EspeakTts(std::shared_ptr<EspeakEngine> engine, EspeakTtsOptions options = {});

  [[nodiscard]] std::string name() const override { return "espeak"; }
  [[nodiscard]] std::string model() const override { return "espeak-ng"; }
  [[nodiscard]] AudioFormat output_format() const override;
  // Blank text ends with on_done and no audio. Throws core::Error when the engine rejects the
  // job (rate_limited: its queue is full; shutting_down).
  std::unique_ptr<TtsStream> synthesize(const StreamContext& context, std::string text,
                                        TtsEvents events) override;

 private:
  std::shared_ptr<EspeakEngine> engine_;
  EspeakTtsOptions options_;
};

}  // namespace patter::providers
