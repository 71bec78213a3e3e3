#include "providers/embedded/espeak_tts.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "audio/resampler.hpp"
#include "core/error.hpp"

namespace patter::providers {
namespace {

struct RegionalVoice {
  std::string_view tag;
  std::string_view voice;
};
constexpr std::array kRegionalVoices{
    RegionalVoice{"en-us", "en-us"},   RegionalVoice{"en-ca", "en-us"},
    RegionalVoice{"en-029", "en-029"}, RegionalVoice{"es-419", "es-419"},
    RegionalVoice{"pt-br", "pt-br"},   RegionalVoice{"fr-be", "fr-be"},
    RegionalVoice{"fr-ch", "fr-ch"},   RegionalVoice{"zh-hk", "yue"},
    RegionalVoice{"zh-mo", "yue"},
};

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_alnum(char c) {
  return is_alpha(c) || (c >= '0' && c <= '9');
}

char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

// Serialises event delivery against cancel(), so that once cancel() returns nothing follows.
// Recursive: a callback may cancel its own stream from the worker thread.
struct Delivery {
  std::recursive_mutex mutex;
  bool stopped = false;
  TtsEvents events;

  void audio(std::span<const std::int16_t> samples) {
    std::vector<std::uint8_t> bytes;
    bytes.reserve(samples.size() * 2);
    for (const auto sample : samples) {
      const auto bits = static_cast<std::uint16_t>(sample);
      bytes.push_back(static_cast<std::uint8_t>(bits & 0xFFU));
      bytes.push_back(static_cast<std::uint8_t>(bits >> 8U));
    }
    std::lock_guard lock(mutex);
    if (!stopped && events.on_audio) {
      events.on_audio(bytes);
    }
  }

  void finish(const SynthesisOutcome& outcome) {
    std::lock_guard lock(mutex);
    if (stopped) {
      return;
    }
    stopped = true;
    const TtsEvents last = std::exchange(events, {});
    switch (outcome.status) {
      case SynthesisOutcome::Status::completed:
        if (last.on_done) last.on_done();
        break;
      case SynthesisOutcome::Status::failed:
        if (last.on_error) last.on_error(outcome.error);
        break;
      case SynthesisOutcome::Status::cancelled:  // not by us: the engine is shutting down
        if (last.on_error) last.on_error("espeak-ng synthesis was cancelled: engine shut down");
        break;
    }
  }

  void stop() {
    std::lock_guard lock(mutex);
    stopped = true;
    events = {};
  }
};

class EspeakTtsStream final : public TtsStream {
 public:
  explicit EspeakTtsStream(std::shared_ptr<Delivery> delivery) : delivery_(std::move(delivery)) {}
  ~EspeakTtsStream() override { cancel(); }
  EspeakTtsStream(const EspeakTtsStream&) = delete;
  EspeakTtsStream& operator=(const EspeakTtsStream&) = delete;

  void start(SynthesisHandle handle) { handle_ = std::move(handle); }

  void cancel() override {
    delivery_->stop();
    handle_.cancel();
  }

 private:
  std::shared_ptr<Delivery> delivery_;
  SynthesisHandle handle_;
};

}  // namespace

std::string espeak_voice_for(std::string_view language_or_voice) {
  std::string tag;
  for (const char c : language_or_voice) {
    if (!is_alnum(c) && c != '-' && c != '_') {
      return std::string(language_or_voice);
    }
    tag += c == '_' ? '-' : to_lower(c);
  }
  const auto dash = tag.find('-');
  const std::string language = tag.substr(0, dash);
  const bool plain_language = language.size() >= 2 && language.size() <= 3 &&
                              std::all_of(language.begin(), language.end(), is_alpha);
  const std::string region = dash == std::string::npos ? "" : tag.substr(dash + 1);
  if (!plain_language || region.find('-') != std::string::npos) {
    return std::string(language_or_voice);
  }
  for (const auto& [regional_tag, voice] : kRegionalVoices) {
    if (tag == regional_tag) {
      return std::string(voice);
    }
  }
  if (language == "en") {
    return region.empty() ? "en-us" : "en";  // espeak-ng's "en" is British English
  }
  if (language == "es") {
    return region.empty() || region == "es" ? "es" : "es-419";
  }
  if (language == "zh") {
    return "cmn";
  }
  if (language == "no") {
    return "nb";
  }
  return language;
}

EspeakTts::EspeakTts(std::shared_ptr<EspeakEngine> engine, EspeakTtsOptions options)
    : engine_(std::move(engine)), options_(std::move(options)) {
  using core::Errc;
  if (!engine_) {
    throw core::Error(Errc::config_invalid, "espeak text-to-speech needs an engine");
  }
  if (options_.sample_rate < audio::Resampler::kMinRate ||
      options_.sample_rate > audio::Resampler::kMaxRate) {
    throw core::Error(Errc::config_invalid, "espeak sample rate must be 8000..48000 Hz, got " +
                                                std::to_string(options_.sample_rate));
  }
  if (options_.rate_wpm < 80 || options_.rate_wpm > 450) {
    throw core::Error(Errc::config_invalid, "espeak rate must be 80..450 words per minute, got " +
                                                std::to_string(options_.rate_wpm));
  }
  if (options_.pitch < 0 || options_.pitch > 100) {
    throw core::Error(Errc::config_invalid,
                      "espeak pitch must be 0..100, got " + std::to_string(options_.pitch));
  }
}

AudioFormat EspeakTts::output_format() const {
  return {Encoding::pcm16_le, options_.sample_rate};
}

std::unique_ptr<TtsStream> EspeakTts::synthesize(const StreamContext& context, std::string text,
                                                 TtsEvents events) {
  SpeechOptions speech;
  const std::string& voice = options_.voice.empty() ? context.language : options_.voice;
  speech.voice = espeak_voice_for(voice.empty() ? "en" : voice);
  speech.sample_rate = options_.sample_rate;
  speech.rate_wpm = options_.rate_wpm;
  speech.pitch = options_.pitch;

  auto delivery = std::make_shared<Delivery>();
  delivery->events = std::move(events);
  auto stream = std::make_unique<EspeakTtsStream>(delivery);
  AudioChunkCallback on_chunk = [delivery](std::span<const std::int16_t> samples) {
    delivery->audio(samples);
  };
  if (is_blank(text)) {
    // Still a job on the worker, so on_done comes from there, in order, like any other.
    text.clear();
    on_chunk = [](std::span<const std::int16_t>) {};
  }
  stream->start(
      engine_->submit(std::move(text), std::move(speech), std::move(on_chunk),
                      [delivery](const SynthesisOutcome& outcome) { delivery->finish(outcome); }));
  return stream;
}

}  // namespace patter::providers
